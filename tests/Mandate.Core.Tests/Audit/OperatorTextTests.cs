using Mandate.Core.Audit;

namespace Mandate.Core.Tests.Audit;

/// <summary>The one rule for free text the audit trail keeps: what it refuses, and ordinary reasons it lets through.</summary>
[Trait("Invariant", "8")]
public sealed class OperatorTextTests
{
    [Theory]
    [InlineData("eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln")]
    [InlineData("Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln")]
    [InlineData("leaked in ticket 7: eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0. (alg none)")]
    [InlineData("eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..aXY.Y2lwaGVy.dGFn")]
    public void Invariant8_Problem_TextHoldingACompactJwsOrJwe_NamesTheFieldNotTheValue(string text)
    {
        var problem = OperatorText.Problem("reason", text);

        Assert.NotNull(problem);
        Assert.StartsWith("reason holds a whole token", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("eyJ", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("incident 42: token pasted in a ticket (jti jti_-P89TEb1vj8XqgQT_j8Mu-)")]
    [InlineData("tenant eu.acme.example off-boarded; see https://tickets.acme.example/42")]
    [InlineData("admin:alice")]
    [InlineData("écrit par l'équipe sécurité — 事故")]
    public void Problem_OrdinaryText_IsAccepted(string? text)
    {
        Assert.Null(OperatorText.Problem("reason", text));
    }

    [Theory]
    [InlineData("a\nb")]
    [InlineData("a\u0000b")]
    [InlineData("a\u001b[31mb")]
    [InlineData("a\u202Eb")]
    [InlineData("a\u200Bb")]
    [InlineData("a\u2028b")]
    public void Invariant8_Problem_ControlOrFormatCharacter_IsRefused(string text)
    {
        Assert.StartsWith("by holds a control or format character", OperatorText.Problem("by", text), StringComparison.Ordinal);
    }

    [Fact]
    public void Problem_OverTheLimit_IsRefusedAtTheLimitPlusOne()
    {
        Assert.Null(OperatorText.Problem("reason", new string('r', OperatorText.MaxLength)));
        Assert.StartsWith("reason is 501 characters long", OperatorText.Problem("reason", new string('r', OperatorText.MaxLength + 1)), StringComparison.Ordinal);
    }
}
