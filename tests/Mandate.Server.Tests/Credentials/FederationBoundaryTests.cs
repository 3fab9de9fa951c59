using Mandate.Core.Audit;
using Mandate.Server.Tests.Harness;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Mandate.Server.Tests.Credentials;

/// <summary>
/// Kind oidc-federation against an agent that holds an allowed identity: the ID token names one cloud audience and one
/// subject, lives no longer than the tool allows, and never shows up in clear outside the response.
/// </summary>
public sealed class FederationBoundaryTests : CredentialKindTest
{
    protected override bool UsesPostgres => false;

    [Fact]
    public async Task Invariant3_AudienceOfAnotherCloud_IsNeverTheIdTokensAud()
    {
        // The tool fixes aud; the request's audience parameter names the tool, not the cloud.
        var reply = await Broker.ExchangeAsync(Request(CredentialKindsBroker.Aws, "aws:assume") with { Audience = CredentialKindsBroker.GcpAudience });

        // RFC 8693 §2.2.2: invalid_target when the server will not issue for the indicated audience.
        Expect.Refused(reply, "invalid_target");
        await Broker.AssertNothingIssuedAsync();
        var token = new JsonWebToken(await Broker.IssueAsync(Request(CredentialKindsBroker.Aws, "aws:assume")));
        Assert.Equal([CredentialKindsBroker.AwsAudience], token.Audiences);
    }

    [Fact]
    public async Task Invariant3_ExtraScopeOfTheSameRule_InvalidScope_NothingIssued()
    {
        // RFC 6749 §5.2: invalid_scope; the rule allows gcp:impersonate, but it is not an operation of the aws tool.
        var reply = await Broker.ExchangeAsync(Request(CredentialKindsBroker.Aws, "aws:assume gcp:impersonate"));

        Expect.Refused(reply, "invalid_scope");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Invariant4_RequestedLifetimeWithinTheAgentsCap_ExpStillCappedAtTheToolsLifetime()
    {
        // The agent may have 3m; the aws tool's own lifetime (2m) is the kind's ceiling and wins.
        var reply = await Broker.ExchangeAsync(Request(CredentialKindsBroker.Aws, "aws:assume") with { RequestedLifetime = 170 });
        var token = new JsonWebToken(Expect.Issued(reply));

        Assert.Equal(TimeSpan.FromMinutes(2), token.ValidTo - token.IssuedAt);
        Assert.Equal(120, reply.Json.GetProperty("expires_in").GetInt32());
        var issued = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Issuance));
        Assert.Equal(new DateTimeOffset(token.ValidTo).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), issued.Evidence["exp"]);
    }

    [Fact]
    public async Task Invariant4_RequestedLifetimeAboveTheAgentsCap_InvalidRequest_NothingIssued()
    {
        var reply = await Broker.ExchangeAsync(Request(CredentialKindsBroker.Gcp, "gcp:impersonate") with { RequestedLifetime = 86_400 });

        Expect.Refused(reply, "invalid_request", "max_lifetime");
        await Broker.AssertNothingIssuedAsync();
    }

    [Theory]
    [InlineData("{tenant}", "acme:%7Btenant%7D")]
    [InlineData("{agent}:{run}", "acme:%7Bagent%7D%3A%7Brun%7D")]
    [InlineData("b:none", "acme:b%3Anone")]
    [InlineData("CN=x, O=y=z", "acme:CN=x, O=y=z")]
    public async Task Invariant7_UserHoldingTemplatePlaceholdersOrSeparators_RenderedEscaped_NeverSubstituted(string user, string sub)
    {
        // The azure tool's sub is {tenant}:{user}: a user id that looks like a placeholder must not become another value,
        // and one holding ':' must not read as another tenant's (tenant 'acme:b' without a user renders acme%3Ab:none).
        var token = new JsonWebToken(await Broker.IssueAsync(Request(CredentialKindsBroker.Azure, "azure:federate") with { SubjectToken = Broker.UserToken(user) }));

        Assert.Equal(sub, token.Subject);
    }

    [Fact]
    public async Task Invariant7_UserWhoseSubWouldExceed255Characters_InvalidTarget_NothingIssued()
    {
        // OIDC Core 1.0 §2: sub MUST NOT exceed 255 ASCII characters; cutting it could give two callers one subject.
        var reply = await Broker.ExchangeAsync(Request(CredentialKindsBroker.Azure, "azure:federate") with { SubjectToken = Broker.UserToken(new string('u', 251)) });

        Expect.Refused(reply, "invalid_target", "1 to 255 ASCII characters");
        await Broker.AssertNothingIssuedAsync();
        Assert.Equal(255, new JsonWebToken(await Broker.IssueAsync(Request(CredentialKindsBroker.Azure, "azure:federate") with { SubjectToken = Broker.UserToken(new string('u', 250)) })).Subject.Length);
    }

    [Fact]
    public async Task Invariant5_UserWhoseIdIsTheTextForNoUser_InvalidTarget_NeverSharesTheSubOfWorkWithoutAUser()
    {
        // OIDC Core 1.0 §2: sub is never reassigned. The azure tool's sub is {tenant}:{user}; background work renders acme:none.
        var reply = await Broker.ExchangeAsync(Request(CredentialKindsBroker.Azure, "azure:federate") with { SubjectToken = Broker.UserToken("none") });

        Expect.Refused(reply, "invalid_target", "would share that sub");
        Assert.Equal("issue.federation_subject_invalid", reply.Member("check_id"));
        await Broker.AssertNothingIssuedAsync();
        Assert.Equal("acme:None", new JsonWebToken(await Broker.IssueAsync(Request(CredentialKindsBroker.Azure, "azure:federate") with { SubjectToken = Broker.UserToken("None") })).Subject);
    }

    [Fact]
    public async Task Invariant8_IdToken_NeverInLogsOrTheAuditTrail_OnlyItsJti()
    {
        var raw = await Broker.IssueAsync(Request(CredentialKindsBroker.Aws, "aws:assume"));
        var token = new JsonWebToken(raw);

        var audit = await Broker.AuditTableTextAsync();
        var adminAudit = await AdminSocket.GetAsync(Broker, "admin/audit");

        Assert.Contains(token.Id, audit, StringComparison.Ordinal);
        foreach (var text in new[] { audit, adminAudit.Body, Broker.Logs.Text })
        {
            Assert.DoesNotContain(token.EncodedSignature, text, StringComparison.Ordinal);
            Assert.DoesNotContain(raw, text, StringComparison.Ordinal);
        }
    }
}
