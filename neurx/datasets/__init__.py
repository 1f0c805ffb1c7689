from neurx.datasets import california_housing
