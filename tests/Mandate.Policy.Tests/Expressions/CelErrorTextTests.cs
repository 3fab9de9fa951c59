using Mandate.Policy.Expressions;
using static Mandate.Policy.Tests.Expressions.CelTestContext;

namespace Mandate.Policy.Tests.Expressions;

/// <summary>
/// docs/policy.md (Conditions): an error quotes what the caller sent (a map key, a regular expression) capped (an ellipsis
/// marks the cut); NaN equality is CEL's (IEEE 754), ordering a NaN is an error.
/// </summary>
public sealed class CelErrorTextTests
{
    private static readonly string LongKey = new('k', 10_000);

    [Theory]
    [InlineData("user.claims[name]")]
    [InlineData("{name: 1, name: 2}.size() == 2")]
    [InlineData("'x'.matches(name)")]
    public void Evaluate_CallerTextInAnError_IsCapped(string source)
    {
        var variables = Variables();
        variables["name"] = "(" + LongKey;

        var result = Compile(source).Evaluate(variables);

        Assert.True(result.IsError);
        Assert.InRange(result.Error!.Message.Length, 1, 300);
        Assert.Contains("…", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_NoSuchShortKey_QuotesItWhole()
    {
        var variables = Variables();
        variables["name"] = "tier2";

        var result = Compile("user.claims[name]").Evaluate(variables);

        Assert.Equal("no such key 'tier2'", result.Error!.Message);
    }

    // google/cel-spec langdef.md (Numbers) and tests/simple/testdata/comparisons.textproto: NaN == NaN is false, NaN != NaN true.
    [Theory]
    [InlineData("user.claims.nan == user.claims.nan", false)]
    [InlineData("user.claims.nan != user.claims.nan", true)]
    [InlineData("user.claims.nan == 1", false)]
    [InlineData("user.claims.nan in [1.0, 2.0]", false)]
    public void Evaluate_NaNEquality_FollowsCel(string source, bool expected)
    {
        var result = Compile(source).Evaluate(WithNaN());

        Assert.False(result.IsError, result.Error?.Message);
        Assert.Equal(expected, result.Value);
    }

    [Theory]
    [InlineData("user.claims.nan < 1")]
    [InlineData("user.claims.nan >= 1")]
    public void Evaluate_NaNOrdering_IsAnError(string source)
    {
        var result = Compile(source).Evaluate(WithNaN());

        Assert.True(result.IsError);
        Assert.Contains("NaN", result.Error!.Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, object?> WithNaN()
    {
        var variables = Variables();
        variables["user"] = new Dictionary<string, object?> { ["id"] = "alice", ["claims"] = new Dictionary<string, object?> { ["nan"] = double.NaN } };
        return variables;
    }
}
