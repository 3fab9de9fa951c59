using Xunit;

namespace Mandate.Testing;

/// <summary>A theory that needs the real PostgreSQL server, skipped or run as <see cref="PostgresFactAttribute"/> says.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresTheoryAttribute : TheoryAttribute
{
    public PostgresTheoryAttribute()
    {
        Skip = PostgresFactAttribute.SkipReason;
    }
}
