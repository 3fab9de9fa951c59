using Mandate.Examples.Tools;
using Mandate.ResourceServer.Tests.Harness;

namespace Mandate.ResourceServer.Tests;

/// <summary>Credentials with the right signature but hostile claim shapes, and misconfigured services: refusals or startup errors, never 500s.</summary>
public sealed class HostileShapeTests : ToolTest
{
    public static TheoryData<string, object> WrongTypes => new()
    {
        { "jti", 42L },
        { "scope", new List<string> { "refunds:write" } },
        { "tenant", new Dictionary<string, object> { ["id"] = "acme" } },
        { "act", "spiffe://acme.example/agents/support" },
        { "aud", 7L },
        { "exp", "tomorrow" },
        { "cnf", "not-an-object" },
        { "cnf", new Dictionary<string, object> { ["x5t#S256"] = 5L } },
        { "sub", "" },
    };

    [Theory]
    [MemberData(nameof(WrongTypes))]
    public async Task ClaimOfTheWrongType_SignedByTheBroker_IsRefused_Not500(string claim, object value)
    {
        var forged = Harness.Forge(await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write"), c => c[claim] = value);

        var reply = await Refunds.PostAsync("/refunds", forged, RefundBody);

        Assert.Equal(401, reply.Status);
        Assert.Equal("invalid_token", reply.Error);
    }

    [Fact]
    public async Task DeepActChain_IsRefused()
    {
        object chain = new Dictionary<string, object> { ["sub"] = "spiffe://acme.example/agents/a0" };
        for (var i = 1; i < 40; i++)
        {
            chain = new Dictionary<string, object> { ["sub"] = $"spiffe://acme.example/agents/a{i}", ["act"] = chain };
        }

        var forged = Harness.Forge(await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write"), c => c["act"] = chain);

        CredentialValidationTests.AssertInvalidToken(await Refunds.PostAsync("/refunds", forged, RefundBody), "act chain");
    }

    [Fact]
    public async Task WorkloadIdentitySourceThatThrows_Refuses503_NeverAccepts()
    {
        var tool = await Harness.StartToolAsync(ToolKind.Refunds, introspection: new MandateIntrospectionOptions
        {
            Mode = IntrospectionMode.Always,
            WorkloadToken = _ => throw new FileNotFoundException("svid missing"),
        });
        var credential = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");

        var reply = await tool.PostAsync("/refunds", credential, RefundBody);

        Assert.Equal(503, reply.Status);
    }

    [Theory]
    [InlineData("HS256")]
    [InlineData("none")]
    public async Task ServiceConfiguredWithASymmetricOrNoneAlgorithm_FailsAtStartup(string algorithm)
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Harness.StartToolAsync(ToolKind.Refunds, o => o.ValidAlgorithms.Add(algorithm)));

        Assert.Contains("asymmetric", error.Message);
    }

    [Theory]
    [InlineData("HS256")]
    [InlineData("none")]
    [InlineData(null)]
    public async Task ServiceConfiguredWithASymmetricNoneOrNoDpopAlgorithm_FailsAtStartup(string? algorithm)
    {
        // RFC 9449 §4.3: a proof's alg MUST NOT be none or symmetric; RFC 9728 §3.2: a member with zero values MUST be
        // omitted, and the DPoP challenge (§7.1) and metadata would otherwise advertise what no proof can use.
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Harness.StartToolAsync(ToolKind.Refunds, o =>
        {
            o.DpopAlgorithms.Clear();
            if (algorithm is not null)
            {
                o.DpopAlgorithms.Add(algorithm);
            }
        }));

        Assert.Contains("DpopAlgorithms", error.Message);
    }

    [Fact]
    public async Task ServiceWithIntrospectionButNoWorkloadIdentity_FailsAtStartup()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Harness.StartToolAsync(ToolKind.Refunds, introspection: new MandateIntrospectionOptions { Mode = IntrospectionMode.Always }));

        Assert.Contains("WorkloadToken", error.Message);
    }
}
