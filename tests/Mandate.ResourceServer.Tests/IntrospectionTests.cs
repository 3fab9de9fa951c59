using Mandate.Examples.Tools;
using Mandate.ResourceServer.Tests.Harness;

namespace Mandate.ResourceServer.Tests;

/// <summary>With introspection on, a revoked credential or one whose run ended is refused at once, not at expiry.</summary>
public sealed class IntrospectionTests : ToolTest
{
    [Fact]
    public async Task RevokedByJti_IsRefusedAtOnce_WhenIntrospectionIsOn()
    {
        var tool = await Harness.StartToolAsync(ToolKind.Refunds, introspection: Harness.IntrospectAlways(ToolKind.Refunds));
        var credential = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");
        var before = await tool.PostAsync("/refunds", credential, RefundBody);

        using (var admin = Harness.Admin())
        {
            await admin.RevokeAsync("token", (string)ForgedTokens.Claims(credential)["jti"], "test");
        }

        var after = await tool.PostAsync("/refunds", credential, RefundBody);
        Assert.Equal(201, before.Status);
        CredentialValidationTests.AssertInvalidToken(after, "inactive");
    }

    [Fact]
    public async Task RevokedCredential_IsStillAcceptedUntilExpiry_WhenIntrospectionIsOff_TheDocumentedTradeOff()
    {
        var credential = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");
        using (var admin = Harness.Admin())
        {
            await admin.RevokeAsync("token", (string)ForgedTokens.Claims(credential)["jti"], "test");
        }

        Assert.Equal(201, (await Refunds.PostAsync("/refunds", credential, RefundBody)).Status);
    }

    [Fact]
    public async Task CredentialOfAnEndedRun_IsRefusedForWrites_WithOnlyForWritesIntrospection()
    {
        var tool = await Harness.StartToolAsync(ToolKind.Refunds, introspection: Harness.IntrospectAlways(ToolKind.Refunds, IntrospectionMode.OnlyForWrites));
        var run = await Harness.Agent(ToolBroker.SupportAgent).StartRunAsync(Harness.UserToken(), ["refunds:read", "refunds:write"]);
        var credential = await run.GetCredentialAsync(ToolKind.Refunds.Resource, ["refunds:read", "refunds:write"]);
        var created = await tool.PostAsync("/refunds", credential, RefundBody);

        await run.EndAsync();
        var write = await tool.PostAsync("/refunds", credential, RefundBody);
        var read = await tool.GetAsync("/refunds/" + created.Json.GetProperty("id").GetString(), credential);

        Assert.Equal(201, created.Status);
        CredentialValidationTests.AssertInvalidToken(write, "inactive");
        // Reads skip introspection in this mode: they stay possible until the credential expires (minutes).
        Assert.Equal(200, read.Status);
    }

    [Fact]
    public async Task InactiveAnswer_IsCachedUntilExpiry_SoARevokedCredentialCannotLoadTheBroker()
    {
        var tool = await Harness.StartToolAsync(ToolKind.Refunds, introspection: Harness.IntrospectAlways(ToolKind.Refunds));
        var credential = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");
        using (var admin = Harness.Admin())
        {
            await admin.RevokeAsync("token", (string)ForgedTokens.Claims(credential)["jti"], "test");
        }

        for (var i = 0; i < 5; i++)
        {
            CredentialValidationTests.AssertInvalidToken(await tool.PostAsync("/refunds", credential, RefundBody), "inactive");
        }

        Assert.Equal(1, tool.State!.Introspection.CallCount);
    }

    [Fact]
    public async Task ActiveAnswer_IsNotCachedByDefault_SoRevocationBitesOnTheNextRequest()
    {
        var tool = await Harness.StartToolAsync(ToolKind.Refunds, introspection: Harness.IntrospectAlways(ToolKind.Refunds));
        var credential = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");

        Assert.Equal(201, (await tool.PostAsync("/refunds", credential, RefundBody)).Status);
        Assert.Equal(201, (await tool.PostAsync("/refunds", credential, RefundBody)).Status);

        Assert.Equal(2, tool.State!.Introspection.CallCount);
    }

    [Fact]
    public async Task ActiveAnswer_IsNotReusedPastTheExpiryItNames_EvenWithinClockSkew()
    {
        // RFC 7662 §4: "If the response contains the exp parameter (expiration), the response MUST NOT be cached beyond
        // the time indicated therein."
        var introspection = Harness.IntrospectAlways(ToolKind.Refunds);
        introspection.ActiveCacheDuration = TimeSpan.FromHours(1);
        var tool = await Harness.StartToolAsync(ToolKind.Refunds, introspection: introspection);
        var credential = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");
        var claims = ForgedTokens.Claims(credential);
        Assert.Equal(201, (await tool.PostAsync("/refunds", credential, RefundBody)).Status);

        Harness.Clock.Advance(TimeSpan.FromSeconds((long)claims["exp"] - (long)claims["iat"] + 1));
        var reply = await tool.PostAsync("/refunds", credential, RefundBody);

        Assert.Equal(401, reply.Status);
        Assert.Equal("invalid_token", reply.Error);
        Assert.Equal(2, tool.State!.Introspection.CallCount);
    }

    [Fact]
    public async Task IntrospectingAsAWorkloadTheBrokerDoesNotListForTheTool_GetsInactive_AndTheCredentialIsRefused()
    {
        var tool = await Harness.StartToolAsync(ToolKind.Refunds, introspection: new MandateIntrospectionOptions
        {
            Mode = IntrospectionMode.Always,
            WorkloadToken = _ => ValueTask.FromResult(Harness.Svid(ToolBroker.StrangerWorkload)),
        });
        var credential = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");

        var reply = await tool.PostAsync("/refunds", credential, RefundBody);

        // The broker answers a stranger {"active":false} (RFC 7662 §4): the tool refuses, it never accepts unconfirmed.
        Assert.Equal(401, reply.Status);
        Assert.Equal("invalid_token", reply.Error);
    }

    [Fact]
    public async Task IntrospectingWithAnInvalidWorkloadToken_FailsClosedWith503_NotAcceptance()
    {
        var tool = await Harness.StartToolAsync(ToolKind.Refunds, introspection: new MandateIntrospectionOptions
        {
            Mode = IntrospectionMode.Always,
            WorkloadToken = _ => ValueTask.FromResult("not-a-jwt"),
        });
        var credential = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");

        var reply = await tool.PostAsync("/refunds", credential, RefundBody);

        Assert.Equal(503, reply.Status);
        Assert.Equal("temporarily_unavailable", reply.Json.GetProperty("error").GetString());
        Assert.Contains("Retry-After", reply.Headers);
    }
}
