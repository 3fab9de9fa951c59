using Mandate.Examples.Tools;
using Mandate.ResourceServer.Tests.Harness;

namespace Mandate.ResourceServer.Tests;

/// <summary>
/// With <see cref="MandateTokenOptions.ResourceMetadata"/> set, every challenge names the RFC 9728 metadata
/// (<c>resource_metadata</c>, §5.1) and a 401 carries the configured scope guidance (MCP scope selection).
/// </summary>
public sealed class ResourceMetadataChallengeTests : ToolTest
{
    private const string Metadata = "https://refunds.acme.example/.well-known/oauth-protected-resource";

    protected override void ConfigureRefunds(MandateTokenOptions options)
    {
        options.ResourceMetadata = new MandateResourceMetadataOptions { ResourceName = "Refunds" };
        options.ResourceMetadata.ChallengeScopes.Add("refunds:read");
    }

    [Fact]
    public async Task NoCredential_Gets401_NamingMetadataAndScope_NoErrorCode()
    {
        var reply = await Refunds.PostAsync("/refunds", null, RefundBody);

        Assert.Equal(401, reply.Status);
        Assert.Equal($"Bearer realm=\"{ToolKind.Refunds.Resource}\", resource_metadata=\"{Metadata}\", scope=\"refunds:read\"", reply.Bearer);
        Assert.Null(reply.Error);
    }

    [Fact]
    public async Task InvalidCredential_Gets401InvalidToken_WithMetadata_AndScopeBeforeTheDescription()
    {
        var credential = await Harness.CredentialAsync(ToolKind.Crm, "crm:read");

        var reply = await Refunds.PostAsync("/refunds", credential, RefundBody);

        Assert.Equal(401, reply.Status);
        Assert.Equal("invalid_token", reply.Error);
        Assert.Equal(Metadata, reply.Parameter("resource_metadata"));
        // A client scanning for the first scope= must not land in error_description's text.
        Assert.True(reply.Bearer.IndexOf("scope=", StringComparison.Ordinal) < reply.Bearer.IndexOf("error_description=", StringComparison.Ordinal));
        Assert.Contains(Metadata, reply.Dpop, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingScope_Gets403InsufficientScope_WithMetadataAndTheNeededScope()
    {
        var credential = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:read");

        var reply = await Refunds.PostAsync("/refunds", credential, RefundBody);

        Assert.Equal(403, reply.Status);
        Assert.Equal("insufficient_scope", reply.Error);
        Assert.Equal("refunds:write", reply.Parameter("scope"));
        Assert.Equal(Metadata, reply.Parameter("resource_metadata"));
    }
}
