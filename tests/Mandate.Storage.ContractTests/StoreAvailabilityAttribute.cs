namespace Mandate.Storage.ContractTests;

/// <summary>
/// Put on a store's contract test class whose database may be missing on a developer machine: when
/// <see cref="SkipReason"/> is not null every contract test of the class is reported skipped with it. Return null
/// where a missing database must fail the run instead (in CI), so the tests run and fail.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public abstract class StoreAvailabilityAttribute : Attribute
{
    /// <summary>Why the class's contract tests cannot run here, or null when they must run.</summary>
    public abstract string? SkipReason { get; }
}
