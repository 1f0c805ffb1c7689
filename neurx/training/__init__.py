"""The training engine: compile/fit/evaluate/predict and the jitted steps behind them."""
