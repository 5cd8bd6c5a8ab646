using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Descent.Checkpoints;
using Descent.Training;

namespace Descent.Tests.Training;

/// <summary>
/// Kills a real training process (<c>descent train</c>, run as a child <c>dotnet Descent.Cli.dll</c>) mid-run — once
/// with <see cref="Process.Kill(bool)"/> at a seeded random moment, once with SIGKILL in the middle of writing
/// <c>last.safetensors</c> (the internal <c>DESCENT_TEST_CRASH_IN_WRITE</c> hook) — checks that the checkpoint on
/// disk is intact, resumes with <c>--resume</c>, and requires exactly (bitwise) the weights, optimizer state and
/// schedule state of an uninterrupted run of the same command.
/// </summary>
public sealed class CrashResumeTests : IDisposable
{
    private const int Epochs = 5;
    private const string CrashVariable = "DESCENT_TEST_CRASH_IN_WRITE";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    private readonly string root = Path.Combine(Path.GetTempPath(), "descent-crash-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, true);
        }
    }

    [Fact]
    public void KilledRunsResumeToExactlyTheWeightsOfAnUninterruptedRun()
    {
        var reference = Path.Combine(root, "reference");
        Finish(reference, resume: false);

        // 1. Process.Kill at a seeded random moment inside an epoch after at least one checkpoint exists.
        var random = new Random(2026);
        var killEpoch = random.Next(2, Epochs - 1);
        var delay = random.Next(0, 40);
        var killed = Path.Combine(root, "killed");
        using (var p = Start(killed, resume: false, crash: null))
        {
            var marker = $"epoch {killEpoch}/{Epochs} start";
            string? line;
            while ((line = p.StandardOutput.ReadLine()) is not null && line != marker)
            {
            }

            Assert.True(line == marker, $"the child never printed '{marker}'");
            Thread.Sleep(delay);
            Assert.False(p.HasExited, "the child finished before it could be killed");
            p.Kill(entireProcessTree: true);
            Assert.True(p.WaitForExit(Timeout));
            Assert.NotEqual(0, p.ExitCode);
        }

        var epochOnDisk = AssertIntact(killed);
        Assert.InRange(epochOnDisk, killEpoch - 1, Epochs - 1);
        var resumed = Finish(killed, resume: true);
        Assert.Contains($"({epochOnDisk} resumed)", resumed, StringComparison.Ordinal);
        AssertSameState(reference, killed);

        // 2. SIGKILL in the middle of the third write of last.safetensors (end of epoch 3): 2,048 bytes of the
        // temporary file are on disk, last.safetensors still holds epoch 2.
        var crashed = Path.Combine(root, "crashed");
        using (var p = Start(crashed, resume: false, crash: "3:2048:last.safetensors"))
        {
            var output = p.StandardOutput.ReadToEnd();
            Assert.True(p.WaitForExit(Timeout));
            Assert.NotEqual(0, p.ExitCode);
            Assert.DoesNotContain("done", output, StringComparison.Ordinal);
            Assert.Contains($"epoch 3/{Epochs} start", output, StringComparison.Ordinal);
            Assert.DoesNotContain($"epoch 4/{Epochs} start", output, StringComparison.Ordinal);
        }

        var partial = Directory.GetFiles(crashed, ".last.safetensors.*.tmp");
        Assert.Single(partial);
        Assert.Equal(2048, new FileInfo(partial[0]).Length);
        Assert.Equal(2, AssertIntact(crashed));
        resumed = Finish(crashed, resume: true);
        Assert.Contains("(2 resumed)", resumed, StringComparison.Ordinal);
        AssertSameState(reference, crashed);
    }

    private static string CliDll => Path.Combine(AppContext.BaseDirectory, "Descent.Cli.dll");

    private static Process Start(string dir, bool resume, string? crash)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])[CliDll, "train", "--out", dir, "--epochs", $"{Epochs}", "--per-class", "40", "--seed", "11"])
        {
            info.ArgumentList.Add(a);
        }

        if (resume)
        {
            info.ArgumentList.Add("--resume");
        }

        info.Environment.Remove(CrashVariable);
        if (crash is not null)
        {
            info.Environment[CrashVariable] = crash;
        }

        var p = Process.Start(info) ?? throw new InvalidOperationException("could not start the CLI");
        p.ErrorDataReceived += (_, _) => { };
        p.BeginErrorReadLine();
        return p;
    }

    /// <summary>Runs the command to completion and returns its output.</summary>
    private static string Finish(string dir, bool resume)
    {
        using var p = Start(dir, resume, crash: null);
        var output = p.StandardOutput.ReadToEndAsync();
        Assert.True(p.WaitForExit(Timeout), "the training process did not finish in time");
        p.WaitForExit(); // also drains the redirected streams
        Assert.True(p.ExitCode == 0, $"exit code {p.ExitCode}: {output.Result}");
        Assert.Contains("done", output.Result, StringComparison.Ordinal);
        return output.Result;
    }

    /// <summary>The last checkpoint loads without error, nothing but the two checkpoints and hidden temporary files
    /// exists, and the completed epoch recorded in the last checkpoint is returned.</summary>
    private static int AssertIntact(string dir)
    {
        foreach (var f in Directory.GetFiles(dir).Select(Path.GetFileName))
        {
            Assert.True(f is "last.safetensors" or "best.safetensors" || (f!.StartsWith('.') && f.EndsWith(".tmp", StringComparison.Ordinal)),
                $"unexpected file {f}");
        }

        var last = SafetensorsFile.Read(Trainer.LastPath(dir));
        SafetensorsFile.Read(Trainer.BestPath(dir));
        using var json = JsonDocument.Parse(last.Metadata[Trainer.TrainerMetadataKey]);
        return json.RootElement.GetProperty("epoch").GetInt32();
    }

    /// <summary>Every tensor (model weights and buffers, optimizer state) bitwise equal, and the same optimizer and
    /// schedule metadata.</summary>
    private static void AssertSameState(string expectedDir, string actualDir)
    {
        var expected = SafetensorsFile.Read(Trainer.LastPath(expectedDir));
        var actual = SafetensorsFile.Read(Trainer.LastPath(actualDir));
        Assert.Equal(expected.Tensors.Select(t => t.Name).Order(), actual.Tensors.Select(t => t.Name).Order());
        Assert.Contains(expected.Tensors, t => t.Name == "model.0.weight");
        Assert.Contains(expected.Tensors, t => t.Name == "model.1.running_mean");
        foreach (var e in expected.Tensors)
        {
            var a = actual[e.Name];
            Assert.Equal(e.DType, a.DType);
            Assert.Equal(e.Shape, a.Shape);
            if (e.DType == SafetensorsDType.I64)
            {
                Assert.Equal(e.Int64Values.ToArray(), a.Int64Values.ToArray());
            }
            else
            {
                Assert.True(MemoryMarshal.AsBytes(e.FloatValues).SequenceEqual(MemoryMarshal.AsBytes(a.FloatValues)), $"{e.Name} differs");
            }
        }

        foreach (var (key, value) in expected.Metadata.Where(kv => kv.Key != Trainer.TrainerMetadataKey))
        {
            Assert.Equal(value, actual.Metadata[key]);
        }

        Assert.Contains(OptimizerCheckpoint.SchedulerMetadataKey, expected.Metadata.Keys);
        Assert.Equal(Epochs, AssertIntactEpoch(actual));
    }

    private static int AssertIntactEpoch(SafetensorsFile file)
    {
        using var json = JsonDocument.Parse(file.Metadata[Trainer.TrainerMetadataKey]);
        return json.RootElement.GetProperty("epoch").GetInt32();
    }
}
