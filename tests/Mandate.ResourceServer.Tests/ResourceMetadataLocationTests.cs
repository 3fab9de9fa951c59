namespace Mandate.ResourceServer.Tests;

/// <summary>Where the metadata lives (RFC 9728 §3.1) and which audiences can have it.</summary>
public sealed class ResourceMetadataLocationTests
{
    [Theory]
    [InlineData("https://api.example/mcp", "https://api.example/.well-known/oauth-protected-resource/mcp")]
    [InlineData("https://api.example/mcp/", "https://api.example/.well-known/oauth-protected-resource/mcp")]
    [InlineData("https://api.example", "https://api.example/.well-known/oauth-protected-resource")]
    [InlineData("http://127.0.0.1:5100/tenants/a/mcp", "http://127.0.0.1:5100/.well-known/oauth-protected-resource/tenants/a/mcp")]
    public void MetadataUri_InsertsTheWellKnownSegmentBeforeThePath(string resource, string expected) =>
        Assert.Equal(expected, ProtectedResourceMetadata.MetadataUri(new Uri(resource)).ToString());

    [Theory]
    [InlineData("refunds")]
    [InlineData("https://api.example/mcp?tenant=a")]
    [InlineData("https://api.example/mcp#x")]
    [InlineData("urn:example:refunds")]
    public void Validate_MetadataForAnAudienceThatIsNotAnHttpUrl_Throws(string audience)
    {
        var options = new MandateTokenOptions { Issuer = "https://broker.example", Audience = audience, ResourceMetadata = new() };

        Assert.Throws<InvalidOperationException>(options.Validate);
    }
}
