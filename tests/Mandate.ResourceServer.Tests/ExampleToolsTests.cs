using Mandate.Examples.Tools;
using Mandate.ResourceServer.Tests.Harness;

namespace Mandate.ResourceServer.Tests;

/// <summary>The CRM and code host examples enforce their scopes and tenants like the refunds API.</summary>
public sealed class ExampleToolsTests : ToolTest
{
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
