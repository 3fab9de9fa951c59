using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Exchange;

/// <summary>
/// RFC 8707 §2: resource "MUST be an absolute URI, as specified by Section 4.3 of [RFC3986]" without a fragment, and
/// RFC 3986 §2 makes a URI ASCII text without spaces or controls. A value that is not one is refused as such, however
/// close to a tool's URI it reads; an audience spelt that way names no tool either.
/// </summary>
[Trait("Invariant", "7")]
public sealed class TargetSyntaxTests : BrokerTest
{
    [Theory]
    [InlineData("https://refunds.acme.example#")]
    [InlineData("https://refunds.acme.example/#refunds")]
    [InlineData("refunds.acme.example")]
    [InlineData("https://refunds.acme.example ")]
    [InlineData("https://refunds.acme.example\t")]
    [InlineData("https://refunds.acme.example\n")]
    [InlineData("https://refunds.acme.example\r\n")]
    [InlineData("https://refunds.acme.example/a b")]
    [InlineData("https://refunds.acme.example/%zz")]
    [InlineData("https://refunds.acme.example/%4")]
    [InlineData("https://refunds.acme.example/<x>")]
    [InlineData("https://refunds.acme.example/\u00FC")]
    [InlineData("https://refunds\u05D0acme.example")]
    [InlineData("https://refunds\u0608.acme.example/")]
    public async Task Invariant7_ResourceThatIsNotAnRfc3986Uri_ReturnsInvalidTargetAndChangesNothing(string resource)
    {
        // RFC 8707 §2: "Its value MUST be an absolute URI, as specified by Section 4.3 of [RFC3986]. The URI MUST NOT
        // include a fragment component."
        var reply = await Broker.AssertAuditUnchangedAsync(() => Broker.ExchangeAsync(Broker.RefundRequest() with { Resource = resource }));

        Expect.Refused(reply, "invalid_target", "resource must be an absolute URI");
        Assert.Equal("request.resource_malformed", reply.Member("check_id"));
    }

    [Theory]
    [InlineData("https://refunds.acme.example ")]
    [InlineData("https://refunds.acme.example/\n")]
    [InlineData("https://refunds\u0608.acme.example/")]
    public async Task Invariant7_AudienceOfAToolsUriWithWhitespace_NamesNoToolAndIssuesNothing(string audience)
    {
        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { Resource = null, Audience = audience });

        Expect.Refused(reply, "invalid_target", "no tool is registered with that resource");
        Assert.Equal("resolve.tool_unknown", reply.Member("check_id"));
        Assert.Empty(await Broker.AuditEventsAsync(Core.Audit.AuditKinds.Issuance));
    }
}
