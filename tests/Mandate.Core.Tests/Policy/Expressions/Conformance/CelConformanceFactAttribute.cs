namespace Mandate.Core.Tests.Policy.Expressions.Conformance;

/// <summary>
/// A test that needs the cel-spec conformance files. Without them on a developer machine it is skipped
/// with the path it looked at; in CI (CI=true) it runs and fails, because CI must check the subset.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class CelConformanceFactAttribute : FactAttribute
{
    public CelConformanceFactAttribute()
    {
        if (CelSpecData.TestDataFolder() is null && !CelSpecData.InCi)
        {
            Skip = $"the cel-spec conformance files are not at {CelSpecData.ExpectedRoot} (testdata/*.textproto); clone google/cel-spec there to run this test";
        }
    }
}
