namespace Descent.Cli;

/// <summary>Entry point of the <c>descent</c> command.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        Console.WriteLine("descent: commands are being built");
        return args.Length == 0 ? 0 : 1;
    }
}
