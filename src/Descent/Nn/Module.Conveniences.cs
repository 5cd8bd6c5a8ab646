using Descent.Autodiff;
using Descent.Checkpoints;
using Descent.Training;

namespace Descent.Nn;

public abstract partial class Module
{
    /// <summary>
    /// Runs the module for inference: in evaluation mode (dropout off, batch norm on its running statistics) and without
    /// recording for autodiff; every module's training mode is restored afterwards. Like PyTorch's
    /// <c>model.eval()</c> + <c>torch.no_grad()</c> around a forward pass.
    /// </summary>
    /// <example><c>int[] classes = model.Predict(features).ArgMax();</c></example>
    public Tensor Predict(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return InEvaluation(() => Forward(input));
    }

    /// <summary>The predicted class of every sample of <paramref name="input"/>: <see cref="Predict"/>'s output
    /// [batch, classes] reduced by <see cref="Tensor.ArgMax"/>.</summary>
    public int[] PredictClasses(Tensor input) => Predict(input).ArgMax();

    /// <summary>
    /// Writes the module's parameters and buffers to a safetensors file under their PyTorch state_dict names (F32),
    /// atomically (a crash leaves the previous file intact). PyTorch reads it with
    /// <c>model.load_state_dict(safetensors.torch.load_file(path))</c>.
    /// </summary>
    public void Save(string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        SafetensorsFile.Write(path, StateDict(), metadata);
    }

    /// <summary>
    /// Loads parameters and buffers from a safetensors file written by <see cref="Save"/>, by PyTorch
    /// (<c>safetensors.torch.save_file(model.state_dict(), path)</c>) or a training checkpoint (<c>model.…</c> tensors).
    /// The module's architecture comes from code, as in PyTorch.
    /// </summary>
    /// <remarks>Everything is checked before any value changes: a tensor holding NaN or ±∞ (named, with the index of the
    /// first such value), and — when <paramref name="strict"/> — missing, unexpected or mis-shaped tensors (named, with
    /// both shapes) raise a <see cref="CheckpointException"/> naming the file, and the module is left as it was.
    /// Non-strict loads what matches and reports the rest (<see cref="LoadStateDict"/>).</remarks>
    public LoadStateDictResult Load(string path, bool strict = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var weights = Checkpointing.ReadWeights(path);
        foreach (var (name, tensor) in weights.OrderBy(w => w.Key, StringComparer.Ordinal))
        {
            var values = tensor.Span;
            for (var i = 0; i < values.Length; i++)
            {
                if (!float.IsFinite(values[i]))
                {
                    throw new CheckpointException(
                        $"{path}: tensor '{name}' holds a non-finite value ({values[i]} at index {i}); nothing was loaded", path, name);
                }
            }
        }

        try
        {
            return LoadStateDict(weights, strict);
        }
        catch (StateDictException e)
        {
            throw new CheckpointException($"{path}: {e.Message}; nothing was loaded", path, null, e);
        }
    }

    /// <summary>Runs <paramref name="run"/> in evaluation mode without recording, then restores every module's mode.</summary>
    private T InEvaluation<T>(Func<T> run)
    {
        var modes = NamedModules().Select(m => (m.Module, m.Module.IsTraining)).ToList();
        Eval();
        try
        {
            using (Tape.NoGrad())
            {
                return run();
            }
        }
        finally
        {
            foreach (var (module, training) in modes)
            {
                module.IsTraining = training;
            }
        }
    }
}
