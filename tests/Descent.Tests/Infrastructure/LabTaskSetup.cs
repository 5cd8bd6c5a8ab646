using System.Runtime.CompilerServices;
using Descent.Experiments;

namespace Descent.Tests.Infrastructure;

/// <summary>Registers the built-in lab tasks into <see cref="Lab.Tasks.LabTaskRegistry.Default"/> before any test runs, as
/// the CLI does at start-up.</summary>
internal static class LabTaskSetup
{
    [ModuleInitializer]
    internal static void Register() => ExperimentTasks.Register();
}
