using System.Reflection;
using Descent.Cli;
using Descent.Lab.Store;
using Descent.Tests.Infrastructure;
using Descent.Tests.Lab;

namespace Descent.Tests.Cli;

/// <summary>Issue 15: every bad input gets a clear message, a documented non-zero exit code, and loses nothing.</summary>
public sealed class ErrorHandlingTests : IDisposable
{
    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    /// <summary>The exit codes of <see cref="ExitCodes"/> by name.</summary>
    private static Dictionary<string, int> Codes() => typeof(ExitCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral)
        .ToDictionary(f => f.Name, f => (int)f.GetRawConstantValue()!);

    [Fact]
    public void ReadmeExitCodeTableEqualsExitCodes()
    {
        var readme = File.ReadAllText(Path.Combine(Golden.RepositoryRoot, "README.md")).ReplaceLineEndings("\n").Split('\n');
        var header = Array.IndexOf(readme, "| Code | Name | Meaning |");
        Assert.True(header >= 0, "README.md must have the exit code table ('| Code | Name | Meaning |')");
        var rows = new Dictionary<string, int>();
        for (var i = header + 2; i < readme.Length && readme[i].StartsWith('|'); i++)
        {
            var cells = readme[i].Split('|', StringSplitOptions.TrimEntries);
            rows.Add(cells[2].Trim('`'), int.Parse(cells[1], System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.Equal(Codes().OrderBy(c => c.Key), rows.OrderBy(r => r.Key));
    }

    private string Write(string name, string text)
    {
        var path = dir.Sub(name);
        File.WriteAllText(path, text);
        return path;
    }

    private static void AssertCleanError(int code, string error, int expected, string because)
    {
        Assert.True(expected == code, $"{because}: exit {code}, expected {expected}; stderr: {error}");
        Assert.Contains(expected, Codes().Values);
        var lines = error.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.True(lines[0].StartsWith("error: ", StringComparison.Ordinal), $"{because}: {error}");
        Assert.True(lines[0].Length > "error: ".Length + 10, $"{because}: {error}");
        Assert.DoesNotContain("Exception", error, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter '", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Actual value was", error, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', error);
        if (expected == ExitCodes.Usage)
        {
            Assert.StartsWith("Run 'descent", lines[^1], StringComparison.Ordinal);
        }
    }

    /// <summary>Malformed inputs for every command; each must fail fast with one clean message and its exit code.</summary>
    public static TheoryData<string, int> MalformedInputs() => new()
    {
        { "demo --steps abc", ExitCodes.Usage },
        { "demo --steps 0", ExitCodes.Usage },
        { "demo --steps 99999999999", ExitCodes.Usage },
        { "demo --seed -5", ExitCodes.Usage },
        { "demo --seed 2147483648", ExitCodes.Usage },
        { "demo --lr \u001b[31mred", ExitCodes.Usage },
        { "demo --bogus", ExitCodes.Usage },
        { "pretrain --resume maybe", ExitCodes.Usage },
        { "frobnicate", ExitCodes.Usage },
        { "data --spam", ExitCodes.Usage },
        { "data subset --out {dir}/s --train-per-class -1", ExitCodes.Usage },
        { "data subset --out {dir}/s --seed 1e99", ExitCodes.Usage },
        { "data subset --out {dir}/s --from {dir}/nothing-here", ExitCodes.Error },
        { "data spam-subset --out {dir}/s.jsonl.gz --ham 99999999999", ExitCodes.Usage },
        { "data spam-subset --out {dir}/s.jsonl.gz --from {dir}/nothing-here", ExitCodes.Error },
        { "pretrain --epochs 0", ExitCodes.Usage },
        { "pretrain --epochs 2147483647", ExitCodes.Usage },
        { "pretrain --per-class 6001", ExitCodes.Usage },
        { "pretrain --width 1000000", ExitCodes.Usage },
        { "finetune --steps 2147483647", ExitCodes.Usage },
        { "finetune --repeats 0", ExitCodes.Usage },
        { "finetune --labels-per-class 99999999999999999999", ExitCodes.Usage },
        { "finetune --body-lr-factor abc", ExitCodes.Usage },
        { "finetune --body-lr-factor NaN", ExitCodes.Usage },
        { "finetune --seed 2147483647 --repeats 2", ExitCodes.Error },
        { "finetune --task mail", ExitCodes.Usage },
        { "finetune --model minilm --top-k 7", ExitCodes.Usage },
        { "finetune --model minilm --max-length 4096", ExitCodes.Usage },
        { "finetune --model minilm --batch-size 0", ExitCodes.Usage },
        { "finetune --model minilm --limit -3", ExitCodes.Usage },
        { "finetune --model minilm --max-grad-norm 0", ExitCodes.Usage },
        { "finetune --model minilm --max-grad-norm inf", ExitCodes.Usage },
        { "finetune --model minilm --head-lr 0", ExitCodes.Usage },
        { "finetune --model minilm --head-lr nan", ExitCodes.Usage },
        { "finetune --model bow --data {dir}/nothing-here", ExitCodes.Error },
        { "finetune --model bow --data {dir}/nothing-here --optimizer \u001b]0;x\u0007", ExitCodes.Error },
        { "compare", ExitCodes.Error },
        { "compare {dir}/missing.json", ExitCodes.Error },
        { "compare {dir}/not-json.json --out {dir}/o", ExitCodes.Error },
        { "compare {dir}/dup.json --out {dir}/o", ExitCodes.Error },
        { "compare {dir}/dup.json --jobs 0", ExitCodes.Usage },
        { "compare --preset nope", ExitCodes.Error },
        { "report", ExitCodes.Usage },
        { "report {dir}/nothing-here", ExitCodes.Error },
        { "report {dir}", ExitCodes.Error },
        { "report {dir}/corrupt", ExitCodes.Error },
        { "train --batch-size 0", ExitCodes.Usage },
        { "train --epochs -1", ExitCodes.Usage },
    };

    [Theory]
    [MemberData(nameof(MalformedInputs))]
    public void MalformedInputGivesOneCleanMessageAndADocumentedExitCode(string commandLine, int expected)
    {
        Write("not-json.json", "{ \"name\": \"x\", \u001b[2J");
        Write("dup.json", """{"name":"dup","name":"dup2","task":{"kind":"rosenbrock"},"budget":{"steps":5},"optimizers":[{"name":"sgd","lr":0.1}]}""");
        Directory.CreateDirectory(dir.Sub("corrupt"));
        Write(Path.Combine("corrupt", RunStore.FileName), new string('x', 200));
        var args = commandLine.Replace("{dir}", dir.Path, StringComparison.Ordinal).Split(' ');
        var (code, _, error) = CliHarness.Run(args);
        AssertCleanError(code, error, expected, commandLine);
        Assert.False(Directory.Exists(dir.Sub("o")), "nothing is written for a rejected input");
    }

    [Fact]
    public void DuplicateKeyIsRejectedBeforeAnyRunAndTheStoredSpecSurvives()
    {
        // Before: the runs ran, RunStore.SaveRun died with an unhandled ArgumentException (exit 134) and the
        // stored spec was overwritten, so 'descent report' failed.
        var good = Write("good.json", """{"name":"dup","task":{"kind":"rosenbrock","start":[-1.2,1.0]},"budget":{"steps":50},"seeds":[0],"optimizers":[{"name":"adam","lr":0.01}]}""");
        var dup = Write("dup.json", """
            {"name":"dup","task":{"kind":"rosenbrock","start":[-1.2,1.0]},"budget":{"steps":50},"seeds":[0],
               "optimizers":[{"name":"adam","lr":0.01,"lr":0.02}]}
            """);
        var output = dir.Sub("o");
        var (code, _, error) = CliHarness.Run("compare", good, "--out", output, "--jobs", "1");
        Assert.True(code == ExitCodes.Success, error);
        var summary = File.ReadAllBytes(Path.Combine(output, "summary.json"));

        (code, var text, error) = CliHarness.Run("compare", dup, "--out", output, "--jobs", "1");
        AssertCleanError(code, error, ExitCodes.Error, "duplicate key");
        Assert.Contains("$.optimizers[0].lr: duplicate key \"lr\"", error, StringComparison.Ordinal);
        Assert.DoesNotContain("runs on", text, StringComparison.Ordinal); // no run started

        (code, _, error) = CliHarness.Run("report", output);
        Assert.True(code == ExitCodes.Success, error);
        Assert.Equal(summary, File.ReadAllBytes(Path.Combine(output, "summary.json")));
    }

    [Fact]
    public void ACompareWhoseRunsFailedExitsWithRunsFailedAndSaysWhy()
    {
        // Before: one "warning: run failed: … FileNotFoundException …" line and exit 0. (A missing data folder is now
        // refused before any run; a kind whose runs fail while running keeps this path covered.)
        var spec = Write("miss.json", """
            {"name":"miss","task":{"kind":"always-fails"},"budget":{"steps":1},"seeds":[0, 1],"optimizers":[{"name":"sgd","lr":0.1}]}
            """);
        var (code, _, error) = CliHarness.RunWith(FailingKind.Registry(), "compare", spec, "--out", dir.Sub("o"), "--jobs", "1");
        Assert.Equal(ExitCodes.RunsFailed, code);
        var lines = error.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.Equal("error: 2 of 2 runs executed failed (stored as failed; running the same compare again retries them):", lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.All(lines.Skip(1), l => Assert.Contains(FailingKind.Message, l, StringComparison.Ordinal));
        Assert.DoesNotContain("Exception", error, StringComparison.Ordinal);
    }

    [Fact]
    public void FileContentInAnInputErrorIsPrintedEscaped()
    {
        var data = Directory.CreateDirectory(dir.Sub("digits")).FullName;
        File.WriteAllText(Path.Combine(data, "digits_train.csv"), "1,2,0\n3,\u001b[2J\u001b]0;pwned\u0007,1\n");
        File.WriteAllText(Path.Combine(data, "digits_test.csv"), "1,2,0\n");
        var spec = Write("evil.json", $$"""
            {"name":"evil","task":{"kind":"digits-mlp","data":"{{data}}"},"budget":{"epochs":1},"seeds":[0],"optimizers":[{"name":"sgd","lr":0.1}]}
            """);
        var (code, _, error) = CliHarness.Run("compare", spec, "--out", dir.Sub("o"), "--jobs", "1");
        AssertCleanError(code, error, ExitCodes.Error, "malformed digits CSV");
        Assert.DoesNotContain('\u0007', error);
        Assert.Contains("found '\\e[2J\\e]0;pwned\\x07'", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.Sub("o")), "refused before any run: no store");
    }

    /// <summary>Specs naming a missing or malformed file or folder, for every built-in kind that reads one.</summary>
    public static TheoryData<string, string> SpecsWithBadInputs() => new()
    {
        { """{"kind":"digits-mlp","data":"{dir}/missing-dir"}""", "$.task.data: digits-mlp: '{dir}/missing-dir/digits_train.csv' does not exist" },
        { """{"kind":"digits-mlp","data":"{dir}/bad-digits"}""", "$.task.data: " },
        { """{"kind":"fashion-transfer","data":"{dir}/missing-dir"}""", "$.task.data: fashion-transfer: $.task.data '{dir}/missing-dir' does not hold the four Fashion-MNIST files" },
        { """{"kind":"fashion-transfer","weights":"{dir}/missing.safetensors"}""", "$.task.weights: " },
        { """{"kind":"fashion-transfer","weights":"{dir}/nan.safetensors"}""", "$.task.weights: state_dict tensor '0.weight' holds NaN at element 3; weights must be finite" },
        { """{"kind":"fashion-transfer","weights":"{dir}/not-json.json"}""", "$.task.weights: " },
        { """{"kind":"minilm-spam","data":"{dir}/missing-dir"}""", "$.task.data: --data {dir}/missing-dir: no SpamAssassin corpus there" },
    };

    [Theory]
    [MemberData(nameof(SpecsWithBadInputs))]
    public void EveryFileASpecNamesIsCheckedBeforeAnyRunAndNoStoreIsCreated(string task, string message)
    {
        // Issue 15, defect 2: a spec's files were first opened inside the runs ("warning: run failed", exit 0).
        Write("not-json.json", "{ \"name\": ");
        var bad = Directory.CreateDirectory(dir.Sub("bad-digits")).FullName;
        File.WriteAllText(Path.Combine(bad, "digits_train.csv"), "1,2,x\n");
        File.WriteAllText(Path.Combine(bad, "digits_test.csv"), "1,2,0\n");
        var model = Descent.Experiments.Transfer.FashionTransfer.CreateScratch(0);
        var state = model.StateDict();
        state["0.weight"].Span[3] = float.NaN;
        Descent.Checkpoints.SafetensorsFile.Write(dir.Sub("nan.safetensors"), state);

        var spec = Write("spec.json", $$"""
            {"name":"bad","task":{{task.Replace("{dir}", dir.Path, StringComparison.Ordinal)}},"budget":{"steps":1},"seeds":[0],"optimizers":[{"name":"sgd","lr":0.1}]}
            """);
        var (code, text, error) = CliHarness.Run("compare", spec, "--out", dir.Sub("o"), "--jobs", "1");
        AssertCleanError(code, error, ExitCodes.Error, task);
        Assert.Contains(message.Replace("{dir}", dir.Path, StringComparison.Ordinal), error, StringComparison.Ordinal);
        Assert.DoesNotContain("runs on", text, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.Sub("o")), "refused before any run: no store");
    }

    [Fact]
    public void ControlCharactersInASpecAreNotEchoedRaw()
    {
        var spec = Write("name.json", """
            {"name":"x\u001b]0;pwned\u0007\u001b[2J","task":{"kind":"rosenbrock"},"budget":{"steps":5},"seeds":[0],
             "optimizers":[{"name":"sgd","lr":0.001},{"name":"adam","lr":0.01}]}
            """);
        var (code, text, error) = CliHarness.Run("compare", spec, "--out", dir.Sub("o"), "--jobs", "1");
        Assert.True(code == ExitCodes.Success, error);
        Assert.DoesNotContain('\u001b', text);
        Assert.DoesNotContain('\u0007', text);
        Assert.Contains("x\\e]0;pwned\\x07\\e[2J: 2 configurations", text, StringComparison.Ordinal);
        (code, text, error) = CliHarness.Run("report", dir.Sub("o"));
        Assert.True(code == ExitCodes.Success, error);
        Assert.DoesNotContain('\u001b', text);
    }

    /// <summary>finetune and pretrain options that used to be rejected only after pretraining or training had run.</summary>
    public static TheoryData<string, string> LateOptions() => new()
    {
        { "finetune --optimizer adam,nosuch --out {dir}/o", "--optimizer nosuch: " },
        { "finetune --optimizer rmsprop --body-lr-factor 0.5 --out {dir}/o", "--optimizer rmsprop: a body learning-rate factor needs sgd-momentum, adam or adamw" },
        { "finetune --freeze nothing.matches --out {dir}/o", "--freeze nothing.matches: " },
        { "finetune --weights {dir}/nan.safetensors --out {dir}/o", "--weights {dir}/nan.safetensors: state_dict tensor '4.bias' holds +∞ at element 0" },
        { "finetune --weights {dir}/missing.safetensors --out {dir}/o", "--weights {dir}/missing.safetensors: " },
        { "finetune --out {dir}/a-file", "--out {dir}/a-file: a file is there; give a folder" },
        { "finetune --out {dir}/a-file/o", "--out {dir}/a-file/o: '{dir}/a-file' is a file, so the folder cannot be created" },
        { "finetune --out /proc/descent-test-out", "--out /proc/descent-test-out: cannot write in '/proc'" },
        { "finetune --task spam --model bow --out /proc/descent-test-out", "--out /proc/descent-test-out: cannot write in '/proc'" },
        { "pretrain --out /proc/descent-test-out", "--out /proc/descent-test-out: cannot write in '/proc'" },
        { "demo --out /proc/descent-test-out", "--out /proc/descent-test-out: cannot write in '/proc'" },
        { "compare --preset sgd-vs-adam --out /proc/descent-test-out", "--out /proc/descent-test-out: cannot write in '/proc'" },
    };

    [Theory]
    [MemberData(nameof(LateOptions))]
    public void EveryOptionAndOutputPathIsCheckedBeforeAnyComputation(string commandLine, string message)
    {
        // Issue 15, defect 5: a bad --optimizer, --freeze or --out (also a read-only one) was reported only after the
        // pretraining or training had run. Now nothing runs: no pretraining line, no output folder, no checkpoint.
        if (commandLine.Contains("/proc/", StringComparison.Ordinal) && !OperatingSystem.IsLinux())
        {
            return; // a folder nobody, root included, can write in: Linux's /proc
        }

        Write("a-file", "x");
        var model = Descent.Experiments.Transfer.FashionTransfer.CreateScratch(0);
        var state = model.StateDict();
        state["4.bias"].Span[0] = float.PositiveInfinity;
        Descent.Checkpoints.SafetensorsFile.Write(dir.Sub("nan.safetensors"), state);
        var (code, output, error) = CliHarness.Run(commandLine.Replace("{dir}", dir.Path, StringComparison.Ordinal).Split(' '));
        AssertCleanError(code, error, ExitCodes.Error, commandLine);
        Assert.Contains($"error: {message.Replace("{dir}", dir.Path, StringComparison.Ordinal)}", error, StringComparison.Ordinal);
        Assert.DoesNotContain("pretrain", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.Sub("o")), "nothing was written");
        Assert.Equal(["a-file", "nan.safetensors"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("--steps", "2147483647", "--steps must be at most 10000000, got 2147483647.")]
    [InlineData("--steps", "99999999999", "--steps must be at most 10000000, got 99999999999.")]
    [InlineData("--epochs", "100001", "--epochs must be at most 100000, got 100001.")]
    [InlineData("--repeats", "-99999999999", "--repeats must be an integer >= 1, got -99999999999.")]
    [InlineData("--width", "65", "--width must be at most 64, got 65.")]
    public void AnIntegerOutOfRangeIsARangeErrorNamingTheOptionAndItsBound(string option, string value, string message)
    {
        // Before: --steps 2147483647 overflowed into "Epochs must be ≥ 1 … Actual value was -214748364", and a
        // number too large for an int was "not a whole number".
        var (code, _, error) = CliHarness.Run("finetune", option, value);
        AssertCleanError(code, error, ExitCodes.Usage, option);
        Assert.Contains($"error: {message}", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseErrorsNameNoDotNetType()
    {
        // System.CommandLine words a value it cannot convert with the .NET type; the CLI's options parse their own
        // values, and the parse-error printer rewrites any such message that remains.
        Assert.Equal("Cannot parse 'x' as expected: a whole number.", CliErrors.WithoutTypeNames("Cannot parse 'x' as expected type 'System.Int32'."));
        Assert.Equal("Cannot parse argument 'maybe' for option '--resume' as expected: true or false.",
            CliErrors.WithoutTypeNames("Cannot parse argument 'maybe' for option '--resume' as expected type 'System.Boolean'."));
    }

    [Fact]
    public void EpochsForTheLargestStepCountDoNotOverflow()
    {
        Assert.Equal(89_478_486, Descent.Experiments.Transfer.FashionTransfer.EpochsFor(int.MaxValue, 600));
        Assert.Equal(int.MaxValue, Descent.Experiments.Transfer.FashionTransfer.EpochsFor(int.MaxValue, 1, batchSize: 1));
    }

    [Theory]
    [InlineData(0, "00:00")]
    [InlineData(59 * 60 + 59, "59:59")]
    [InlineData(3600 + 62, "1:01:02")]
    [InlineData(86_399, "23:59:59")]
    [InlineData(86_400, "1d 00:00:00")]
    [InlineData((3 * 86_400) + (4 * 3600) + (5 * 60) + 6, "3d 04:05:06")]
    public void DurationsOfADayOrMoreShowDays(int seconds, string text)
        => Assert.Equal(text, DurationText.Format(TimeSpan.FromSeconds(seconds)));
}
