namespace Mandate.Server.Tests.Telemetry;

/// <summary>
/// Activity listeners and meters are process-wide: telemetry tests run alone, so the spans and measurements they
/// read come from their own broker, and the "telemetry off" test sees no other broker's listener.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryTestsRunAlone
{
    public const string Name = "telemetry";
}
