using System.Diagnostics;
using Descent.Checkpoints;
using Descent.Cli.Commands;
using Descent.Experiments.Transfer;

namespace Descent.Tests.Training;

/// <summary>
/// Kills a real <c>descent pretrain</c> process mid-run (while it trains and writes checkpoints), resumes it with
/// <c>--resume</c>, and checks that the final weights equal those of an uninterrupted run bit for bit.
/// </summary>
public sealed class KillAndResumeTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "descent-kill-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, true);
        }
    }

    private static string Subset => Path.Combine(Infrastructure.Golden.RepositoryRoot, DataCommand.SubsetFolder);

    private static string[] Args(string output, bool resume)
    {
        var args = new List<string> { "pretrain", "--per-class", "20", "--epochs", "12", "--seed", "5", "--out", output, "--data", Subset };
        if (resume)
        {
            args.Add("--resume");
        }

        return [.. args];
    }

    private static Process Start(string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Descent.Cli.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        return Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet");
    }

    private static Dictionary<string, float[]> Model(string checkpoint)
        => SafetensorsFile.Read(checkpoint).Tensors
            .Where(t => t.Name.StartsWith("model.", StringComparison.Ordinal) && t.DType != SafetensorsDType.I64)
            .ToDictionary(t => t.Name, t => t.FloatValues.ToArray());

    [Fact]
    public void AKilledRunResumesToExactlyTheUninterruptedWeights()
    {
        var reference = Path.Combine(root, "reference");
        var settings = new TransferSettings { OutputDirectory = reference, PretrainEpochs = 12, PretrainPerClass = 20, Seed = 5 };
        TransferExperiment.Pretrain(settings, Subset, _ => { });

        var killed = Path.Combine(root, "killed");
        var last = Path.Combine(killed, "pretrain", "last.safetensors");
        using (var child = Start(Args(killed, resume: false)))
        {
            var clock = Stopwatch.StartNew();
            while (!File.Exists(last) && !child.HasExited && clock.Elapsed < TimeSpan.FromMinutes(3))
            {
                Thread.Sleep(5);
            }

            // Kill soon after the first checkpoint, typically while a later epoch trains or its checkpoint is written.
            Thread.Sleep(new Random(1).Next(0, 40));
            Assert.False(child.HasExited, "the run finished before it could be killed; make it longer");
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
        }

        var interruptedAt = Model(last);
        using (var resumed = Start(Args(killed, resume: true)))
        {
            Assert.True(resumed.WaitForExit(TimeSpan.FromMinutes(5)), "the resumed run did not finish");
            Assert.True(resumed.ExitCode == 0, resumed.StandardError.ReadToEnd() + resumed.StandardOutput.ReadToEnd());
        }

        var expected = Model(Path.Combine(reference, "pretrain", "last.safetensors"));
        var actual = Model(last);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, values) in expected)
        {
            Assert.Equal(values, actual[name]);
        }

        Assert.NotEqual(expected["model.0.weight"], interruptedAt["model.0.weight"]);
    }
}
