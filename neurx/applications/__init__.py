"""Keras Applications: ImageNet models as functional models (`keras.applications`).

Each model lives in its own module with its `preprocess_input` and `decode_predictions`
(`neurx.applications.xception.Xception`, `inception_v3.InceptionV3`, `resnet50.ResNet50`,
`vgg16.VGG16`, `mobilenet_v2.MobileNetV2`). Shared parts: `imagenet_utils` (preprocessing,
class names, argument checks), `weights` (finding and reading Keras's published weight
files), `common` (the classifier top and the final model).
"""
from neurx.applications import imagenet_utils, inception_v3, mobilenet_v2, resnet50, vgg16, xception
from neurx.applications.inception_v3 import InceptionV3
from neurx.applications.mobilenet_v2 import MobileNetV2
from neurx.applications.resnet50 import ResNet50
from neurx.applications.vgg16 import VGG16
from neurx.applications.xception import Xception
