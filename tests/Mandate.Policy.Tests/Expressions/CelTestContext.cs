using Mandate.Policy.Expressions;

namespace Mandate.Policy.Tests.Expressions;

/// <summary>A small typed context for expression tests, shaped like the policy context.</summary>
internal static class CelTestContext
{
    public static readonly CelEnvironment Environment = new(new Dictionary<string, CelType>
    {
        ["user"] = CelType.ObjectOf("user", new Dictionary<string, CelType>
        {
            ["id"] = CelType.String,
            ["claims"] = CelType.MapOf(CelType.Dyn),
        }),
        ["request"] = CelType.ObjectOf("request", new Dictionary<string, CelType>
        {
            ["scopes"] = CelType.ListOf(CelType.String),
            ["authorization_details"] = CelType.ListOf(CelType.Dyn),
        }),
        ["n"] = CelType.Int,
        ["xs"] = CelType.ListOf(CelType.Int),
        ["now"] = CelType.Timestamp,
        ["name"] = CelType.String,
    });

    public static Dictionary<string, object?> Variables(int listSize = 3) => new()
    {
        ["user"] = new Dictionary<string, object?>
        {
            ["id"] = "alice",
            ["claims"] = new Dictionary<string, object?> { ["tier"] = "gold", ["level"] = 3L, ["groups"] = new List<object?> { "support", "eu" } },
        },
        ["request"] = new Dictionary<string, object?>
        {
            ["scopes"] = new List<object?> { "refunds:write" },
            ["authorization_details"] = new List<object?>
            {
                new Dictionary<string, object?> { ["type"] = "refund", ["amount"] = 80L, ["currency"] = "EUR" },
                new Dictionary<string, object?> { ["type"] = "refund", ["amount"] = 99.5, ["currency"] = "EUR" },
            },
        },
        ["n"] = 7L,
        ["xs"] = Enumerable.Range(0, listSize).Select(i => (object?)(long)i).ToList(),
        ["now"] = new DateTimeOffset(2026, 1, 5, 9, 30, 0, TimeSpan.Zero),
        ["name"] = "support-bot",
    };

    public static CelProgram Compile(string source, CelLimits? limits = null)
    {
        var (program, problems) = CelProgram.Compile(source, Environment, limits, requireBool: false);
        Assert.True(program is not null, string.Join("; ", problems));
        return program!;
    }

    public static CelResult Run(string source, CelLimits? limits = null, int listSize = 3) =>
        Compile(source, limits).Evaluate(Variables(listSize));
}
