using System.Numerics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Descent.Lab.Store;

/// <summary>Where runs were made: versions, CPU, SIMD width and kernel path, recorded with every run.</summary>
/// <param name="DescentVersion">Descent's informational version.</param>
/// <param name="DotnetVersion">The .NET runtime (<see cref="RuntimeInformation.FrameworkDescription"/>).</param>
/// <param name="Os">Operating system and architecture.</param>
/// <param name="Cpu">CPU model name (from /proc/cpuinfo where available).</param>
/// <param name="Cores">Logical processors.</param>
/// <param name="SimdBits">Widest hardware-accelerated vector width in bits (512, 256, 128 or 0).</param>
/// <param name="KernelPath">The optimizer kernel path in use (Auto, Reference, Simd).</param>
public sealed record EnvironmentInfo(
    string DescentVersion,
    string DotnetVersion,
    string Os,
    string Cpu,
    int Cores,
    int SimdBits,
    string KernelPath)
{
    /// <summary>The environment of this process.</summary>
    public static EnvironmentInfo Current(string kernelPath = "Auto")
    {
        var asm = typeof(Tensor).Assembly;
        var version = asm.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                      ?? asm.GetName().Version?.ToString() ?? "unknown";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        if (plus > 0 && version.Length > plus + 13)
        {
            version = version[..(plus + 13)];
        }

        var simd = Vector512.IsHardwareAccelerated ? 512
            : Vector256.IsHardwareAccelerated ? 256
            : Vector128.IsHardwareAccelerated ? 128
            : Vector.IsHardwareAccelerated ? Vector<byte>.Count * 8 : 0;
        return new EnvironmentInfo(
            version,
            RuntimeInformation.FrameworkDescription,
            $"{RuntimeInformation.OSDescription} {RuntimeInformation.OSArchitecture}",
            CpuName(),
            Environment.ProcessorCount,
            simd,
            kernelPath);
    }

    private static string CpuName()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                foreach (var line in File.ReadLines("/proc/cpuinfo"))
                {
                    if (line.StartsWith("model name", StringComparison.Ordinal))
                    {
                        return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                    }
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}
