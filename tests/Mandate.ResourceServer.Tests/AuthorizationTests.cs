using Mandate.Examples.Tools;
using Mandate.ResourceServer.Tests.Harness;

namespace Mandate.ResourceServer.Tests;

/// <summary>A valid credential still only does what it grants, in the tenant it names: 403 insufficient_scope otherwise.</summary>
public sealed class AuthorizationTests : ToolTest
{
    [Fact]
    public async Task ReadOnlyCredential_OnAWriteEndpoint_IsForbiddenWithInsufficientScope_NamingTheScopeNeeded()
    {
        var read = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:read");

        var reply = await Refunds.PostAsync("/refunds", read, RefundBody);

        Assert.Equal(403, reply.Status);
        Assert.Equal("insufficient_scope", reply.Error);
        Assert.Equal("refunds:write", reply.Parameter("scope"));
        Assert.Contains("grants 'refunds:read'", reply.Description);
    }

    [Fact]
    public async Task WriteOnlyCredential_CannotRead()
    {
        var write = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");
        var created = await Refunds.PostAsync("/refunds", write, RefundBody);

        var reply = await Refunds.GetAsync("/refunds/" + created.Json.GetProperty("id").GetString(), write);

        Assert.Equal(201, created.Status);
        Assert.Equal(403, reply.Status);
        Assert.Equal("insufficient_scope", reply.Error);
    }

    [Fact]
    public async Task RefundCreatedInOneTenant_IsInvisibleToACredentialForAnother()
    {
        var acme = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:read refunds:write", user: "alice", tenant: "acme");
        var globex = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:read refunds:write", user: "gina", tenant: "globex");
        var id = (await Refunds.PostAsync("/refunds", acme, RefundBody)).Json.GetProperty("id").GetString();

        Assert.Equal(200, (await Refunds.GetAsync("/refunds/" + id, acme)).Status);
        Assert.Equal(404, (await Refunds.GetAsync("/refunds/" + id, globex)).Status);
    }

    [Fact]
    public async Task CredentialForATenantTheServiceDoesNotServe_IsForbidden()
    {
        var globexOnly = await Harness.StartToolAsync(ToolKind.Refunds, tenants: ["globex"]);
        var acme = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");

        var reply = await globexOnly.PostAsync("/refunds", acme, RefundBody);

        Assert.Equal(403, reply.Status);
        Assert.Equal("insufficient_scope", reply.Error);
        Assert.Contains("tenant 'acme'", reply.Description);
        Assert.Null(reply.Parameter("scope"));
    }

    [Fact]
    public async Task RequestAddressingAnotherTenant_IsForbidden_WhateverTheCredentialGrants()
    {
        var tool = await Harness.StartToolAsync(ToolKind.Refunds, o => o.TenantFromRequest = http => http.Request.Headers["X-Tenant"].FirstOrDefault());
        var acme = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");

        var own = await tool.SendAsync(HttpMethod.Post, "/refunds", acme, "Bearer", RefundBody, r => r.Headers.Add("X-Tenant", "acme"));
        var other = await tool.SendAsync(HttpMethod.Post, "/refunds", acme, "Bearer", RefundBody, r => r.Headers.Add("X-Tenant", "globex"));

        Assert.Equal(201, own.Status);
        Assert.Equal(403, other.Status);
        Assert.Contains("addresses tenant 'globex'", other.Description);
    }

    [Fact]
    public async Task SubAgentCredential_CarriesTheDelegationChain_ToTheTool()
    {
        var support = Harness.Agent(ToolBroker.SupportAgent);
        await using var run = await support.StartRunAsync(Harness.UserToken(), ["refunds:read", "refunds:write"]);
        await using var child = await run.DelegateAsync(Mandate.Client.WorkloadIdentity.From(_ => ValueTask.FromResult(Harness.Svid(ToolBroker.RefundExecutor))), ["refunds:write"]);
        var credential = await child.GetCredentialAsync(ToolKind.Refunds.Resource, ["refunds:write"]);

        var reply = await Refunds.PostAsync("/refunds", credential, RefundBody);

        Assert.Equal(201, reply.Status);
        var by = reply.Json.GetProperty("requestedBy");
        Assert.Equal(ToolBroker.RefundExecutor, by.GetProperty("agent").GetString());
        Assert.Equal([ToolBroker.RefundExecutor, ToolBroker.SupportAgent], by.GetProperty("chain").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(child.Id, by.GetProperty("run").GetString());
    }
}
