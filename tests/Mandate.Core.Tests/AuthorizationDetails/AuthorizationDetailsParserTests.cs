using Mandate.Core.AuthorizationDetails;
using Mandate.Core.Configuration;

namespace Mandate.Core.Tests.AuthorizationDetails;

/// <summary>RFC 9396 §2 authorization_details: text that is not a JSON array of typed objects is refused with a reason.</summary>
public sealed class AuthorizationDetailsParserTests
{
    private static readonly ToolOptions Refunds = new()
    {
        Name = "refunds",
        Resource = "https://refunds.acme.example",
        Scopes = ["refunds:write"],
        AuthorizationDetailsTypes =
        [
            new AuthorizationDetailsType
            {
                Type = "refund",
                Fields = new Dictionary<string, DetailField> { ["amount"] = new(DetailFieldKind.Number, true) },
            },
        ],
    };

    [Fact]
    public void Parse_DeclaredTypeAndField_ReturnsTheDetails()
    {
        var (details, error) = AuthorizationDetailsParser.Parse("""[{"type":"refund","amount":80}]""", Refunds);

        Assert.Null(error);
        Assert.Single(details!);
    }

    [Fact]
    public void Invariant7_TextWithLoneSurrogate_RefusedAsNotJsonNotThrown()
    {
        // RFC 8259 §8.1: JSON text is UTF-8, and a lone surrogate has no UTF-8 form (found by the fuzz harness: it threw).
        // Built in code: a lone surrogate does not survive theory data serialization.
        foreach (var json in new[] { "[{\"type\":\"refund\",\"amount\":1}]" + '\ud800', "[{\"type\":\"ref" + '\udc00' + "und\",\"amount\":1}]", "[{\"type\":\"refund\",\"amo" + '\ud800' + "unt\":1}]" })
        {
            var (details, error) = AuthorizationDetailsParser.Parse(json, Refunds);

            Assert.Null(details);
            Assert.Contains("must be a JSON array of objects", error, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("""[{"type":"refund","amount":10,"amount":5000}]""")]
    [InlineData("""[{"type":"refund","type":"refund","amount":10}]""")]
    public void Invariant7_MemberGivenTwice_RefusedNotReadAsEitherValue(string json)
    {
        // RFC 8259 §4: which of two same-named members counts depends on the reader; RFC 7493 §2.3 (I-JSON) forbids them.
        var (details, error) = AuthorizationDetailsParser.Parse(json, Refunds);

        Assert.Null(details);
        Assert.Contains("each member given once", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""[{"type":"refu\ud800nd","amount":1}]""")]
    [InlineData("""[{"type":"refund","amount\ud800":99.5},{"type":"refund","amount":1}]""")]
    public void Invariant7_EscapedUnpairedSurrogate_RefusedNotThrown(string json)
    {
        // ASCII on the wire, so the form reader lets it through; reading the string, or a member name while looking for
        // a repeat, threw (both found by the fuzz harness).
        var (details, error) = AuthorizationDetailsParser.Parse(json, Refunds);

        Assert.Null(details);
        Assert.Contains("unpaired surrogate", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1e999")]
    [InlineData("-1e999")]
    [InlineData("1e309")]
    public void Invariant7_NumberBeyondDouble_RefusedNamingTheField(string number)
    {
        var (details, error) = AuthorizationDetailsParser.Parse($$"""[{"type":"refund","amount":{{number}}}]""", Refunds);

        Assert.Null(details);
        Assert.Contains("amount must be a number within the range of a double", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1e308")]
    [InlineData("0.000001")]
    [InlineData("-12")]
    public void Parse_NumberWithinDouble_IsAccepted(string number)
    {
        var (details, error) = AuthorizationDetailsParser.Parse($$"""[{"type":"refund","amount":{{number}}}]""", Refunds);

        Assert.Null(error);
        Assert.Single(details!);
    }
}
