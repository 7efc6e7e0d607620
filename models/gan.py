"""The phrase GAN in Keras: a recurrent generator and a spectrally normalised convolutional critic.

Recipe: the non-saturating GAN loss with spectral normalisation on every discriminator layer
(Miyato et al. 2018) plus feature matching for the generator (Salimans et al. 2016), both known to
keep GAN training stable without a gradient penalty. The generator is built by the same builder as
the language models, so `models/stepper.py` runs it live in NumPy.
"""
from __future__ import annotations

from dataclasses import replace

from .phrase_gan import generator_width
from .preset_schema import Model
from .recurrent import build_language_model, keras


def build_generator(model: Model, keys: int) -> keras.Model:
    return build_language_model(replace(model, head="sigmoid"), keys,
                                input_width=generator_width(model.noise, keys))


def build_discriminator(steps: int, keys: int) -> keras.Model:
    """Input: the phrase and its condition bar tiled under it, as two channels of a (steps, keys)
    image. Output: a realness logit, and the features the generator matches."""
    sn = keras.layers.SpectralNormalization
    inputs = keras.Input(shape=(steps, keys, 2), name="phrase")
    x = inputs
    for index, (filters, kernel) in enumerate(((32, (4, 12)), (64, (4, 12)), (128, (4, 6)))):
        x = sn(keras.layers.Conv2D(filters, kernel, strides=(2, 2), padding="same"), name=f"conv_{index}")(x)
        x = keras.layers.LeakyReLU(0.2, name=f"act_{index}")(x)
    features = keras.layers.Flatten(name="features")(x)
    logit = sn(keras.layers.Dense(1), name="realness")(features)
    return keras.Model(inputs, [logit, features], name="critic")
