using Mandate.Examples.Tools;
using Mandate.ResourceServer.Tests.Harness;
using Mandate.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Mandate.ResourceServer.Tests;

/// <summary>
/// The example tools enforce scopes and tenants, and, run as the README runs them, get their own workload identity from
/// Mandate's workload endpoint and confirm every credential at the broker, so the kill switch bites at the tool.
/// </summary>
public sealed class ExampleToolsTests : ToolTest
{
    protected override string ExtraBrokerConfiguration => ToolHarness.WorkloadEndpointConfiguration;

    [Fact]
    public async Task Invariant6_AgentRevoked_ExampleToolRefusesItsEarlierCredentialWith401_AndLogsWhy()
    {
        await Harness.RegisterThisProcessAsync(ToolKind.Refunds.Workload);
        var identity = ToolIdentity.FromWorkloadSocket(Harness.WorkloadSocket, ToolBroker.Issuer, Harness.Clock);
        Assert.Equal(ToolKind.Refunds.Workload, await identity.ObtainAsync(ToolKind.Refunds, CancellationToken.None));
        using var logs = new CapturedLogs();
        var tool = await Harness.StartToolAsync(ToolKind.Refunds, identity: identity, logs: logs);
        var credential = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:read refunds:write");
        var jti = (string)ForgedTokens.Claims(credential)["jti"];
        var before = await tool.PostAsync("/refunds", credential, RefundBody);

        using (var admin = Harness.Admin())
        {
            await admin.RevokeAsync("agent", ToolBroker.SupportAgent, "incident 42");
        }

        var write = await tool.PostAsync("/refunds", credential, RefundBody);
        var read = await tool.GetAsync("/refunds/" + before.Json.GetProperty("id").GetString(), credential);

        Assert.Equal(201, before.Status);
        // RFC 7662 §2.2 active:false → RFC 6750 §3.1 invalid_token, for reads as well: the tool asks on every request.
        CredentialValidationTests.AssertInvalidToken(write, "inactive");
        CredentialValidationTests.AssertInvalidToken(read, "inactive");
        Assert.Contains($"Refused a Mandate credential: invalid_token: the broker reports credential {jti} inactive", logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ToolIdentityFromTheWorkloadEndpoint_IsRenewed_SoIntrospectionKeepsWorkingPastTheFirstSvidsExpiry()
    {
        await Harness.RegisterThisProcessAsync(ToolKind.Refunds.Workload);
        var identity = ToolIdentity.FromWorkloadSocket(Harness.WorkloadSocket, ToolBroker.Issuer, Harness.Clock);
        using var logs = new CapturedLogs();
        var tool = await Harness.StartToolAsync(ToolKind.Refunds, identity: identity, logs: logs);
        var first = await tool.PostAsync("/refunds", await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write"), RefundBody);
        var firstSvid = await identity.Source.GetTokenAsync(CancellationToken.None);

        // Past the 5-minute JWT-SVID (and any clock skew the broker allows): only a renewed identity is accepted now.
        Harness.Clock.Advance(TimeSpan.FromMinutes(12));
        var later = await tool.PostAsync("/refunds", await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write"), RefundBody);

        Assert.Equal(201, first.Status);
        Assert.True(later.Status == 201, later.Body + "\n" + logs.Text);
        Assert.NotEqual(firstSvid, await identity.Source.GetTokenAsync(CancellationToken.None));
        Assert.Equal(2, tool.State!.Introspection.CallCount);
    }

    [Fact]
    public async Task ExpiredToolIdentity_IsLoggedAsTheBrokerRefusingTheToolsIdentity_NotAsUnreachable()
    {
        var file = Path.Combine(Harness.Directory, "refunds.svid");
        await File.WriteAllTextAsync(file, Harness.Svid(ToolKind.Refunds.Workload));
        using var logs = new CapturedLogs();
        var tool = await Harness.StartToolAsync(ToolKind.Refunds, identity: ToolIdentity.FromFile(file), logs: logs);
        var first = await tool.PostAsync("/refunds", await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write"), RefundBody);

        // The file is never rewritten: its 10-minute JWT-SVID expires, and the broker answers 401 invalid_client (RFC 7662 §2.3).
        Harness.Clock.Advance(TimeSpan.FromMinutes(12));
        var later = await tool.PostAsync("/refunds", await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write"), RefundBody);

        Assert.Equal(201, first.Status);
        Assert.Equal(503, later.Status);
        Assert.Equal("temporarily_unavailable", later.Json.GetProperty("error").GetString());
        Assert.DoesNotContain("unreachable", later.Body, StringComparison.Ordinal);
        Assert.Contains("Error Mandate.ResourceServer.MandateTokenHandler: Refused a Mandate credential because it could not be confirmed at the broker: the broker refused this tool's identity: HTTP 401 invalid_client:", logs.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("unreachable", logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StandaloneTool_WithNoIdentityOption_UsesTheQuickstartWorkloadEndpoint_AndIntrospectsEveryRequest()
    {
        var options = ToolService.FromArgs(ToolKind.Crm, ["--urls", "http://127.0.0.1:0"]);
        await using var app = ToolService.Build(options);

        var handler = app.Services.GetRequiredService<IOptionsMonitor<MandateTokenOptions>>().Get(MandateTokenDefaults.AuthenticationScheme);

        Assert.Equal(Path.GetFullPath(ToolIdentity.QuickstartWorkloadSocket), options.Identity!.SocketPath);
        Assert.Equal(IntrospectionMode.Always, handler.Introspection.Mode);
        Assert.NotNull(handler.Introspection.WorkloadToken);
    }

    [Fact]
    public async Task StandaloneTool_WithoutAWorkloadEndpoint_DoesNotStart_AndSaysHowToGiveItAnIdentity()
    {
        var missing = Path.Combine(Harness.Directory, "no-such.sock");

        var failure = await Assert.ThrowsAsync<ToolStartupException>(() =>
            ToolIdentity.FromWorkloadSocket(missing, ToolBroker.Issuer, Harness.Clock).ObtainAsync(ToolKind.Refunds, CancellationToken.None));

        Assert.Contains(missing, failure.Message, StringComparison.Ordinal);
        Assert.Contains("--workload-socket", failure.Message, StringComparison.Ordinal);
        Assert.Contains("--workload-token-file", failure.Message, StringComparison.Ordinal);
        Assert.Contains(ToolKind.Refunds.Workload, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StandaloneTool_WithoutARegistrationEntry_DoesNotStart_AndPrintsTheEntryToCreateForItsBrokersConfig()
    {
        var failure = await Assert.ThrowsAsync<ToolStartupException>(() =>
            ToolIdentity.FromWorkloadSocket(Harness.WorkloadSocket, ToolBroker.Issuer, Harness.Clock, "/etc/mandate/mandate.yaml").ObtainAsync(ToolKind.Refunds, CancellationToken.None));

        Assert.Contains($"mandate entries create -c /etc/mandate/mandate.yaml --spiffe-id {ToolKind.Refunds.Workload}", failure.Message, StringComparison.Ordinal);
        Assert.Contains($"--selector unix:path:{ToolIdentity.ExecutablePath()}", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("examples/quickstart", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StandaloneTool_BrokerConfigNotKnown_PrintsTheEntryWithoutAConfigOption()
    {
        var failure = await Assert.ThrowsAsync<ToolStartupException>(() =>
            ToolIdentity.FromWorkloadSocket(Harness.WorkloadSocket, ToolBroker.Issuer, Harness.Clock).ObtainAsync(ToolKind.Refunds, CancellationToken.None));

        Assert.Contains($"mandate entries create --spiffe-id {ToolKind.Refunds.Workload}", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--config", "deploy/mandate.yaml" }, "/srv/env.yaml", "deploy/mandate.yaml")]
    [InlineData(new[] { "--workload-socket", "/run/mandate/workload.sock" }, "/srv/env.yaml", "/srv/env.yaml")]
    [InlineData(new string[0], null, ToolIdentity.QuickstartConfig)]
    [InlineData(new[] { "--workload-socket", "/run/mandate/workload.sock" }, null, null)]
    public void StandaloneTool_BrokerConfig_IsTheConfigOptionElseMandateConfigElseTheQuickstartsForTheQuickstartSocket(string[] args, string? mandateConfig, string? expected)
    {
        var options = ToolService.FromArgs(ToolKind.Refunds, args, name => name == "MANDATE_CONFIG" ? mandateConfig : null);

        Assert.Equal(expected, options.Identity!.BrokerConfig);
    }

    [Fact]
    public async Task StandaloneTool_AttestedAsAnotherWorkload_DoesNotStart_NamingBothIdentities()
    {
        await Harness.RegisterThisProcessAsync(ToolKind.Crm.Workload);

        var failure = await Assert.ThrowsAsync<ToolStartupException>(() =>
            ToolIdentity.FromWorkloadSocket(Harness.WorkloadSocket, ToolBroker.Issuer, Harness.Clock).ObtainAsync(ToolKind.Refunds, CancellationToken.None));

        Assert.Contains(ToolKind.Crm.Workload, failure.Message, StringComparison.Ordinal);
        Assert.Contains(ToolKind.Refunds.Workload, failure.Message, StringComparison.Ordinal);
    }
    [Fact]
    public async Task Crm_ReadCredentialReadsItsTenantsCustomer_ButCannotPatchOrSeeAnotherTenant()
    {
        var crm = await Harness.StartToolAsync(ToolKind.Crm);
        var read = await Harness.CredentialAsync(ToolKind.Crm, "crm:read");

        var own = await crm.GetAsync("/customers/c-100", read);
        var otherTenant = await crm.GetAsync("/customers/c-200", read);
        var patch = await crm.SendAsync(HttpMethod.Patch, "/customers/c-100", read, "Bearer", """{"tier":"platinum"}""");

        Assert.Equal(200, own.Status);
        Assert.Equal("Alice Example", own.Json.GetProperty("name").GetString());
        Assert.Equal(404, otherTenant.Status);
        Assert.Equal(403, patch.Status);
        Assert.Equal("crm:write", patch.Parameter("scope"));
    }

    [Fact]
    public async Task CodeHost_CoderReadsFilesAndOpensAPullRequest_AttributedToAgentAndUser()
    {
        var code = await Harness.StartToolAsync(ToolKind.Code);
        var read = await Harness.CredentialAsync(ToolKind.Code, "code:read", agent: ToolBroker.CodingAgent);
        var write = await Harness.CredentialAsync(ToolKind.Code, "code:write", agent: ToolBroker.CodingAgent);

        var files = await code.GetAsync("/repos/shop/files", read);
        var pull = await code.PostAsync("/repos/shop/pulls", write, """{"title":"Fix refund rounding","head":"fix/rounding"}""");
        var pullWithRead = await code.PostAsync("/repos/shop/pulls", read, """{"title":"x","head":"y"}""");
        var otherTenantsRepo = await code.GetAsync("/repos/portal/files", read);

        Assert.Equal(200, files.Status);
        Assert.Contains("src/refunds.cs", files.Body);
        Assert.Equal(201, pull.Status);
        Assert.Equal(ToolBroker.CodingAgent, pull.Json.GetProperty("openedBy").GetProperty("agent").GetString());
        Assert.Equal("alice", pull.Json.GetProperty("openedBy").GetProperty("subject").GetString());
        Assert.Equal(403, pullWithRead.Status);
        Assert.Equal(404, otherTenantsRepo.Status);
    }

    [Fact]
    public async Task CodeHost_RefusesARefundsCredential()
    {
        var code = await Harness.StartToolAsync(ToolKind.Code);
        var refunds = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:read");

        CredentialValidationTests.AssertInvalidToken(await code.GetAsync("/repos/shop/files", refunds), "another tool");
    }
}
