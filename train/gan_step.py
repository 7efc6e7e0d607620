"""One adversarial step of the phrase GAN, written once with `keras.ops` and stateless calls, so it
trains under TensorFlow, JAX or torch alike: each backend only supplies how a gradient is taken
and how the step is compiled (the pattern of Keras' "custom training loop" guides).

The step is a pure function of the models' variable values: `StatelessGan.run_epoch` reads the
values from the models, runs the compiled step over the batches, and writes them back, so
checkpoints, export and the learning-rate schedule see ordinary Keras models between epochs.
"""
from __future__ import annotations

from ..models.phrase_gan import STEPS_PER_BAR
from ..models.recurrent import keras

ops = keras.ops
FEATURE_MATCHING = 1.0


def binarize(probabilities):
    """Deterministic binary neurons with a straight-through gradient (Dong & Yang 2018): the critic
    sees 0/1 rolls like the real ones, so it cannot win by spotting soft values."""
    return probabilities + ops.stop_gradient(ops.round(probabilities) - probabilities)


def critic_input(phrases, conditions, steps: int):
    """The phrase and its condition bar tiled under it, as two channels."""
    return ops.stack([phrases, ops.tile(conditions, (1, steps // STEPS_PER_BAR, 1))], axis=-1)


def value_and_grad(fn):
    """`fn(trainable, *rest) -> (loss, aux)` to `(loss, aux), d loss / d trainable`, the backend's way."""
    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        return jax.value_and_grad(fn, has_aux=True)
    if backend == "tensorflow":
        import tensorflow as tf

        def tape_grad(trainable, *rest):
            with tf.GradientTape() as tape:
                tape.watch(trainable)
                value = fn(trainable, *rest)
            return value, tape.gradient(value[0], trainable)

        return tape_grad
    import torch

    def autograd(trainable, *rest):
        trainable = [t.detach().requires_grad_(True) for t in trainable]
        value = fn(trainable, *rest)
        return value, list(torch.autograd.grad(value[0], trainable))

    return autograd


def call(model, values, inputs):
    """`model(inputs, training=True)` on `values` = (trainable, non-trainable) instead of its variables;
    returns the output and the values as the call left them. Unlike `stateless_call`, what the call
    assigns to trainable variables is kept too (spectral normalisation writes its normalised kernel)."""
    trainable, state = values
    mapping = list(zip(model.trainable_variables, trainable)) + list(zip(model.non_trainable_variables, state))
    with keras.StatelessScope(state_mapping=mapping) as scope:
        out = model(inputs, training=True)
    return out, ([scope.get_current_value(v) for v in model.trainable_variables],
                 [scope.get_current_value(v) for v in model.non_trainable_variables])


def apply_gradients(model, optimizer_values, grads, trainable_values):
    """New (trainable, optimizer) values after one optimizer step. TensorFlow's optimizers only work
    in place (Keras refuses `stateless_apply` there), so under TF the variables carry the values."""
    if keras.backend.backend() != "tensorflow":
        return model.optimizer.stateless_apply(optimizer_values, grads, trainable_values)
    for variable, value in zip(model.trainable_variables, trainable_values):
        variable.assign(value)
    model.optimizer.apply(grads, model.trainable_variables)
    return [v.value for v in model.trainable_variables], [v.value for v in model.optimizer.variables]


def compiled(step):
    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        return jax.jit(step)
    if backend == "tensorflow":
        import tensorflow as tf

        return tf.function(step)
    return step


class StatelessGan:
    def __init__(self, generator, critic, steps: int):
        self.generator, self.critic, self.steps = generator, critic, steps
        for model in (generator, critic):
            model.optimizer.build(model.trainable_variables)
        self.step = compiled(self._step)

    def _forward(self, generator_values, critic_values, real, conditions, rows):
        """The critic's logits and features for the real and the generated phrases; new values."""
        out, generator_values = call(self.generator, generator_values, rows)
        fake = binarize(ops.sigmoid(out))
        real_out, critic_values = call(self.critic, critic_values, critic_input(real, conditions, self.steps))
        fake_out, critic_values = call(self.critic, critic_values, critic_input(fake, conditions, self.steps))
        return real_out, fake_out, generator_values, critic_values

    def _critic_loss(self, c_train, c_state, generator_values, real, conditions, rows):
        (real_logit, _), (fake_logit, _), generator_values, critic_values = self._forward(
            generator_values, (c_train, c_state), real, conditions, rows)
        loss = ops.mean(ops.softplus(-real_logit)) + ops.mean(ops.softplus(fake_logit))
        return loss, (critic_values, generator_values)

    def _generator_loss(self, g_train, g_state, critic_values, real, conditions, rows):
        (_, real_features), (fake_logit, fake_features), generator_values, critic_values = self._forward(
            (g_train, g_state), critic_values, real, conditions, rows)
        matching = ops.mean(ops.square(ops.mean(real_features, 0) - ops.mean(fake_features, 0)))
        loss = ops.mean(ops.softplus(-fake_logit)) + FEATURE_MATCHING * matching
        return loss, (generator_values, critic_values)

    def _step(self, state, real, conditions, rows):
        """Critic, then generator. Each gradient is applied to the weights as the forward pass left
        them: the critic's spectral normalisation writes its normalised kernels back (in Keras it
        assigns them inside `call`), as a stateful step would keep them."""
        (g_train, g_state, g_opt), (c_train, c_state, c_opt) = state
        (critic_loss, ((c_train, c_state), (_, g_state))), grads = value_and_grad(self._critic_loss)(
            c_train, c_state, (g_train, g_state), real, conditions, rows)
        c_train, c_opt = apply_gradients(self.critic, c_opt, grads, c_train)
        (generator_loss, ((g_train, g_state), (c_train, c_state))), grads = value_and_grad(self._generator_loss)(
            g_train, g_state, (c_train, c_state), real, conditions, rows)
        g_train, g_opt = apply_gradients(self.generator, g_opt, grads, g_train)
        return (critic_loss, generator_loss), ((g_train, g_state, g_opt), (c_train, c_state, c_opt))

    def read(self):
        return tuple(([v.value for v in m.trainable_variables], [v.value for v in m.non_trainable_variables],
                      [v.value for v in m.optimizer.variables]) for m in (self.generator, self.critic))

    def write(self, state) -> None:
        for model, values in zip((self.generator, self.critic), state):
            for variables, new in zip((model.trainable_variables, model.non_trainable_variables,
                                       model.optimizer.variables), values):
                for variable, value in zip(variables, new):
                    variable.assign(value)

    def run(self, batches, after_each=None) -> list[tuple[float, float]]:
        """Train on (real, conditions, rows) batches; the models hold the result afterwards."""
        state, losses = self.read(), []
        try:
            for real, conditions, rows in batches:
                (critic_loss, generator_loss), state = self.step(state, real, conditions, rows)
                losses.append((float(critic_loss), float(generator_loss)))
                if after_each and after_each(losses[-1]):
                    break
        finally:
            self.write(state)
        return losses
