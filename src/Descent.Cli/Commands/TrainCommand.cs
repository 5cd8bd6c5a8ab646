using System.CommandLine;
using System.Globalization;
using Descent.Cli.Progress;
using Descent.Distributed;
using Descent.Experiments.Digits;
using Descent.Training;
using Spectre.Console;

namespace Descent.Cli.Commands;

/// <summary>
/// <c>descent train --out DIR [--epochs N] [--seed N] [--lr RATE] [--batch-size N] [--per-class N] [--resume]</c>
/// (hidden, internal): a small, fast, deterministic training job (<see cref="DigitsCheckpointRun"/>) — the small CNN (BatchNorm, dropout) on the
/// built-in 8×8 digits with AdamW, a cosine schedule and seeded shuffling — checkpointing
/// <c>last.safetensors</c> and <c>best.safetensors</c> into <c>--out</c> after every epoch. The crash-and-resume
/// tests kill it mid-run and resume it with <c>--resume</c>. It prints <c>epoch E/N start</c> before each epoch
/// and <c>done</c> at the end. Under <c>mpirun -n N</c> it trains data-parallel (<see cref="DataParallel"/>: each rank
/// takes its shard of every batch of the same global batch size; rank 0 writes the checkpoints and the output).
/// </summary>
public static class TrainCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var epochs = CommonOptions.Epochs(6);
        var seed = CommonOptions.Seed();
        var lr = CommonOptions.LearningRate("AdamW learning rate (default 3e-3).");
        var batch = CommonOptions.Integer("--batch-size", 32, min: 1, max: 100_000, "Mini-batch size.");
        var perClass = CommonOptions.Integer("--per-class", 100, min: 2, max: 100_000, "Digits taken per class (20 % of them for validation).");
        var output = CommonOptions.Out("descent-train", "Checkpoint folder (created if missing).");
        var resume = new Option<bool>("--resume") { Description = "Continue from OUT/last.safetensors when it exists." };
        var command = new Command("train", "Train the small CNN on the built-in digits with checkpoints (internal: used by the crash/resume tests)")
        {
            epochs, seed, lr, batch, perClass, output, resume,
        };
        command.Hidden = true;
        command.SetAction(parse => Execute(context, parse.GetValue(output)!, parse.GetValue(epochs), parse.GetValue(seed),
            parse.GetValue(lr) ?? 3e-3, parse.GetValue(batch), parse.GetValue(perClass), parse.GetValue(resume)));
        return command;
    }

    /// <summary>Runs the job; returns the exit code.</summary>
    public static int Execute(CliContext context, string outDir, int epochs, int seed, double learningRate, int batchSize, int perClass, bool resume)
    {
        ArgumentNullException.ThrowIfNull(context);
        OutputFolder.RequireWritable(outDir);
        void OnEpochStart(int e)
        {
            context.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch {e + 1}/{epochs} start"));
            context.Output.Flush();
        }

        // Under mpirun each rank trains on its shard of every batch (data-parallel); rank 0 writes checkpoints and output.
        var communicator = Communicator.FromEnvironment();
        LearnerCallback[] callbacks = communicator.Size > 1 ? [new DataParallel(communicator)] : [];
        var result = TrainingProgressDisplay.Run(context, d =>
            DigitsCheckpointRun.Run(outDir, epochs, seed, learningRate, batchSize, perClass, resume, OnEpochStart, d.Start("train"), callbacks));
        if (result.DivergenceMessage is not null)
        {
            throw new CliException(result.DivergenceMessage);
        }

        var last = result.History.Count > 0 ? result.History[^1] : null;
        context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"done: {result.History.Count} epochs ({result.ResumedFromEpoch} resumed), validation accuracy {last?.ValidationAccuracy:P1}; {Trainer.LastPath(outDir)}"));
        return ExitCodes.Success;
    }
}
