using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Exchange;

/// <summary>
/// RFC 8707 names the tool by URI. RFC 3986 §6.2.3 makes an origin's empty path and '/' the same, and scheme and host
/// case-insensitive, and the default port the same as none: such spellings reach the registered tool, and the credential
/// says the registered spelling. Every other difference names another resource (a value that is no URI at all, such
/// as a host in another script, is refused before any tool is looked up: <see cref="TargetSyntaxTests"/>).
/// </summary>
public sealed class ResourceSpellingTests : BrokerTest
{
    [Theory]
    [InlineData("https://refunds.acme.example/")]
    [InlineData("HTTPS://REFUNDS.ACME.EXAMPLE")]
    [InlineData("https://Refunds.Acme.Example:443/")]
    public async Task Rfc3986_AnotherSpellingOfTheRegisteredOrigin_IsIssuedForTheRegisteredResource(string resource)
    {
        var token = await Broker.IssueAsync(Broker.RefundRequest() with { Resource = resource });

        Assert.Equal([TestBroker.Refunds], IssuedTokens.Read(token).Audiences);
    }

    [Theory]
    [InlineData("https://refunds.acme.example/x")]
    [InlineData("https://refunds.acme.example//")]
    [InlineData("https://refunds.acme.example/.")]
    [InlineData("https://refunds.acme.example:8443")]
    [InlineData("http://refunds.acme.example")]
    [InlineData("https://refunds.acme.example/?")]
    [InlineData("https://refunds.acme.example?a=1")]
    [InlineData("https://alice@refunds.acme.example")]
    [InlineData("https://refunds.acme.example.evil.example")]
    public async Task Rfc8707_AResourceThatIsNotTheRegisteredOne_IsInvalidTargetAndIssuesNothing(string resource)
    {
        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { Resource = resource });

        Expect.Refused(reply, "invalid_target", "no tool is registered with that resource");
        Assert.Empty(await Broker.AuditEventsAsync(Core.Audit.AuditKinds.Issuance));
    }
}
