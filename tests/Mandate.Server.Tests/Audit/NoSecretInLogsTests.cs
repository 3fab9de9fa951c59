using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Audit;

/// <summary>Invariant 8 for logs: refusals are logged with the check that refused, never with the token.</summary>
[Trait("Invariant", "8")]
public sealed class NoSecretInLogsTests : BrokerTest
{
    [Fact]
    public async Task Invariant8_FullFlow_NoTokenAppearsInAnyLogLine()
    {
        var actor = Broker.Svid(SupportAgent);
        var user = Broker.UserToken();
        var tool = Broker.Svid(RefundsWorkload);
        var forged = HostileTokens.Create(TokenDefect.ForgedSignature, Broker.UserKey, Broker.UserClaims(), Broker.Now);
        var request = Broker.RefundRequest() with { ActorToken = actor, SubjectToken = user };

        var credential = await Broker.IssueAsync(request);
        await Broker.ExchangeAsync(request with { Tenant = "globex" });
        await Broker.ExchangeAsync(request with { SubjectToken = forged });
        await Broker.IntrospectAsync(credential, tool);
        await Broker.RevokeAsync(credential, actor);

        var logs = Broker.Logs.Text;
        Assert.Contains("Refused invalid_request at attest.subject_token", logs, StringComparison.Ordinal);
        Assert.Contains("Refused invalid_target at decide.", logs, StringComparison.Ordinal);
        foreach (var token in new[] { credential, actor, user, tool, forged })
        {
            Assert.DoesNotContain(token.Split('.')[1], logs, StringComparison.Ordinal);
            Assert.DoesNotContain(token.Split('.')[2], logs, StringComparison.Ordinal);
        }
    }
}
