"""One training step of the phrase GAN, written once with `keras.ops` and stateless calls, so it
trains under TensorFlow, JAX or torch alike: each backend only supplies how a gradient is taken
and how the step is compiled (the pattern of Keras' "custom training loop" guides).

The generator learns from two signals: the likelihood of the real phrase given the real steps
before (teacher forcing, as a language model learns; it anchors the adversarial game, which alone
collapsed after a dozen epochs), and the critic's verdict on phrases it wrote on its own, drawn
step by step as the stepper plays them (what teacher forcing never shows it: its own mistakes).

The step is a pure function of the models' variable values: `StatelessGan.run` reads the
values from the models, runs the compiled step over the batches, and writes them back, so
checkpoints, export and the learning-rate schedule see ordinary Keras models between epochs.
"""
from __future__ import annotations

from ..models.recurrent import keras

ops = keras.ops
FEATURE_MATCHING = 1.0


def previous_rows(phrases, conditions):
    """What the generator played the step before each step, teacher-forced: the condition bar's last
    row, then the real phrase shifted by one."""
    return ops.concatenate([conditions[:, -1:], phrases[:, :-1]], axis=1)


def critic_input(phrases, conditions, steps: int):
    """The phrase and its condition bar tiled under it, as two channels."""
    return ops.stack([phrases, ops.tile(conditions, (1, steps // conditions.shape[1], 1))], axis=-1)


def free_run(generator, rows, previous, uniforms):
    """The generator writing a phrase on its own, as the stepper does live: each step's keys drawn
    from its scores (`uniforms` < probability) and fed back as the next step's previous row. A drawn
    0/1 row passes the gradient straight through to the probabilities (Bengio et al. 2013), so
    the critic's verdict reaches every step."""
    layers = [layer for layer in generator.layers if layer.name.startswith("rnn_")]
    drops = {layer.name: layer for layer in generator.layers if layer.name.startswith("dropout")}
    embed, head = generator.get_layer("embedding"), generator.get_layer("output")
    states = [layer.cell.get_initial_state(rows.shape[0]) for layer in layers]
    played = []
    for step in range(rows.shape[1]):
        x = embed(ops.concatenate([rows[:, step], previous], axis=-1))
        for index, layer in enumerate(layers):
            x = drops[f"dropout_{index}"](x, training=True)
            x, states[index] = layer.cell(x, states[index], training=True)
        probabilities = ops.sigmoid(head(drops["dropout_out"](x, training=True)))
        drawn = ops.cast(uniforms[:, step] < probabilities, probabilities.dtype)
        previous = probabilities + ops.stop_gradient(drawn - probabilities)
        played.append(previous)
    return ops.stack(played, axis=1)


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


def call(model, values, run):
    """`run()` (which calls `model`) on `values` = (trainable, non-trainable) instead of its variables;
    returns its result and the values as the call left them. Unlike `stateless_call`, what the call
    assigns to trainable variables is kept too (spectral normalisation writes its normalised kernel)."""
    trainable, state = values
    mapping = list(zip(model.trainable_variables, trainable)) + list(zip(model.non_trainable_variables, state))
    with keras.StatelessScope(state_mapping=mapping) as scope:
        out = run()
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
    def __init__(self, generator, critic, steps: int, adversarial: float):
        """`adversarial`: the critic's terms' weight beside the likelihood (nats a step). At 1 the
        critic soon wins, and its gradient drowned the likelihood's: the likelihood got worse
        from the second epoch on (13.3 to 15.7 nats a step by the sixth, `bach-gan`)."""
        self.generator, self.critic, self.steps, self.adversarial = generator, critic, steps, adversarial
        for model in (generator, critic):
            model.optimizer.build(model.trainable_variables)
        self.step = compiled(self._step)

    def _judge(self, critic_values, phrases, conditions):
        """The critic's (logit, features) for `phrases` and its values after the call."""
        return call(self.critic, critic_values,
                    lambda: self.critic(critic_input(phrases, conditions, self.steps), training=True))

    def _critic_loss(self, c_train, c_state, real, fake, conditions):
        (real_logit, _), critic_values = self._judge((c_train, c_state), real, conditions)
        (fake_logit, _), critic_values = self._judge(critic_values, fake, conditions)
        loss = ops.mean(ops.softplus(-real_logit)) + ops.mean(ops.softplus(fake_logit))
        return loss, critic_values

    def _generator_loss(self, g_train, g_state, critic_values, real, conditions, rows, uniforms):
        """The likelihood of the real phrase, teacher-forced (nats a step), plus the critic's verdict
        on a phrase the generator wrote itself and the matching of the critic's features."""
        teacher = ops.concatenate([rows, previous_rows(real, conditions)], axis=-1)
        logits, values = call(self.generator, (g_train, g_state), lambda: self.generator(teacher, training=True))
        likelihood = ops.mean(ops.sum(ops.softplus(logits) - real * logits, axis=-1))  # -log p, summed over keys
        fake, values = call(self.generator, values,
                            lambda: free_run(self.generator, rows, conditions[:, -1], uniforms))
        (_, real_features), critic_values = self._judge(critic_values, real, conditions)
        (fake_logit, fake_features), critic_values = self._judge(critic_values, fake, conditions)
        matching = ops.mean(ops.square(ops.mean(real_features, 0) - ops.mean(fake_features, 0)))
        loss = likelihood + self.adversarial * (ops.mean(ops.softplus(-fake_logit)) + FEATURE_MATCHING * matching)
        return loss, (values, critic_values, ops.stop_gradient(fake), likelihood)

    def _step(self, state, real, conditions, rows, uniforms):
        """Generator, then critic on the phrases the generator just wrote. Each gradient is applied to
        the weights as the forward pass left them: the critic's spectral normalisation writes its
        normalised kernels back (in Keras it assigns them inside `call`), as a stateful step would."""
        (g_train, g_state, g_opt), (c_train, c_state, c_opt) = state
        (generator_loss, ((g_train, g_state), (c_train, c_state), fake, likelihood)), grads = value_and_grad(
            self._generator_loss)(g_train, g_state, (c_train, c_state), real, conditions, rows, uniforms)
        g_train, g_opt = apply_gradients(self.generator, g_opt, grads, g_train)
        (critic_loss, (c_train, c_state)), grads = value_and_grad(self._critic_loss)(
            c_train, c_state, real, fake, conditions)
        c_train, c_opt = apply_gradients(self.critic, c_opt, grads, c_train)
        return (critic_loss, generator_loss, likelihood), ((g_train, g_state, g_opt), (c_train, c_state, c_opt))

    def read(self):
        return tuple(([v.value for v in m.trainable_variables], [v.value for v in m.non_trainable_variables],
                      [v.value for v in m.optimizer.variables]) for m in (self.generator, self.critic))

    def write(self, state) -> None:
        for model, values in zip((self.generator, self.critic), state):
            for variables, new in zip((model.trainable_variables, model.non_trainable_variables,
                                       model.optimizer.variables), values):
                for variable, value in zip(variables, new):
                    variable.assign(value)

    def run(self, batches, after_each=None) -> list[tuple[float, float, float]]:
        """Train on (real, conditions, rows, uniforms) batches; returns (critic loss, generator loss,
        likelihood) per batch. The models hold the result afterwards."""
        state, losses = self.read(), []
        try:
            for batch in batches:
                figures, state = self.step(state, *batch)
                losses.append(tuple(float(f) for f in figures))
                if after_each and after_each(losses[-1]):
                    break
        finally:
            self.write(state)
        return losses
