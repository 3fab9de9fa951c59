using Mandate.Core.Configuration;
using static Mandate.Core.Tests.Configuration.ConfigTestData;

namespace Mandate.Core.Tests.Configuration;

public sealed class ProxyConfigTests
{
    private const string SecretTool = Minimal + """

        tools:
          - name: stripe
            kind: secret
            resource: https://stripe.acme.example
            scopes: [charges:read]
        """;

    [Fact]
    public void Parse_NoProxyKey_LeavesTheProxyDisabledWithDefaults()
    {
        var proxy = Parse(Minimal).Proxy;

        Assert.False(proxy.Enabled);
        Assert.Equal((1024 * 1024, (long?)null, TimeSpan.FromSeconds(30)), (proxy.MaxRequestBody, proxy.MaxResponseBody, proxy.Timeout));
    }

    [Fact]
    public void Parse_ProxySection_ReadsEveryKey()
    {
        var proxy = Parse(Minimal + "\nproxy: { listen: http://127.0.0.1:8081, max_request_body: 2MiB, max_response_body: 512KiB, timeout: 10s, connect_timeout: 2s }").Proxy;

        Assert.Equal("http://127.0.0.1:8081", proxy.Listen);
        Assert.Equal((2L << 20, (long?)(512 << 10), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2)), (proxy.MaxRequestBody, proxy.MaxResponseBody, proxy.Timeout, proxy.ConnectTimeout));
    }

    [Theory]
    [InlineData("max_request_body: 1MB", "proxy.max_request_body")]
    [InlineData("max_request_body: -1", "proxy.max_request_body")]
    [InlineData("listen: https://0.0.0.0:8081", "proxy.listen")]
    [InlineData("timeout: forever", "proxy.timeout")]
    [InlineData("listn: http://127.0.0.1:8081", "proxy.listn")]
    public void Parse_BadProxyKey_ReportsItsPath(string entry, string path)
    {
        Assert.Contains(Problems(Minimal + $"\nproxy: {{ {entry} }}"), p => p.Path == path);
    }

    [Theory]
    [InlineData("https://proxy.acme.example", "https://proxy.acme.example/")]
    [InlineData("https://Proxy.Acme.Example:8443/", "https://proxy.acme.example:8443/")]
    [InlineData("http://127.0.0.1:8081", "http://127.0.0.1:8081/")]
    public void Parse_ProxyPublicOrigin_ReadsTheOrigin(string origin, string expected)
    {
        Assert.Equal(new Uri(expected), Parse(Minimal + $"\nproxy: {{ public_origin: \"{origin}\" }}").Proxy.PublicOrigin);
    }

    [Theory]
    [InlineData("proxy.acme.example")]
    [InlineData("ftp://proxy.acme.example")]
    [InlineData("https://proxy.acme.example/v1")]
    [InlineData("https://proxy.acme.example/?tool=stripe")]
    [InlineData("https://proxy.acme.example/#top")]
    [InlineData("https://agent:pw@proxy.acme.example")]
    public void Parse_PublicOriginNotAnOrigin_IsRefusedSayingWhatAnOriginIs(string origin)
    {
        // RFC 9449 §4.3: a DPoP proof's htu is compared with this origin plus the request's path, so it holds only an origin.
        var problem = SingleProblem(Minimal + $"\nproxy: {{ public_origin: \"{origin}\" }}");

        Assert.Equal("proxy.public_origin", problem.Path);
        Assert.Contains("without path, query or user info", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MisspelledPublicOrigin_SuggestsTheKey()
    {
        Assert.Contains("did you mean 'public_origin'?", SingleProblem(Minimal + "\nproxy: { public_orign: https://proxy.acme.example }").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SecretToolWithUpstreamAndInjection_ReadsThem()
    {
        var tool = Parse(SecretTool + "\n    upstream: https://api.stripe.example/\n    secret: { header: X-Api-Key, format: \"{secret}\" }").Tools[0];

        Assert.Equal("https://api.stripe.example/", tool.Upstream);
        Assert.Equal(("X-Api-Key", "abc"), (tool.Secret!.Header, tool.Secret.Render("abc")));
    }

    [Fact]
    public void Parse_SecretToolWithoutUpstream_SaysToSetIt()
    {
        Assert.Contains(Problems(SecretTool), p => p.Path == "tools[0].upstream" && p.Message.Contains("set upstream", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("upstream: ftp://x.example", "tools[0].upstream")]
    [InlineData("upstream: https://x.example/?q=1", "tools[0].upstream")]
    [InlineData("upstream: https://user:pw@x.example", "tools[0].upstream")]
    [InlineData("upstream: https://x.example\n    secret: { format: \"Bearer token\" }", "tools[0].secret.format")]
    [InlineData("upstream: https://x.example\n    secret: { header: \"X Api\" }", "tools[0].secret.header")]
    public void Parse_BadToolProxyKey_ReportsItsPath(string keys, string path)
    {
        Assert.Contains(Problems(SecretTool + "\n    " + keys), p => p.Path == path);
    }

    [Fact]
    public void Parse_SecretBlockOnJwtTool_IsRefused()
    {
        var problems = Problems(WithRefunds + "\n    upstream: https://refunds.example\n    secret: { header: X-Api-Key }");

        Assert.Contains(problems, p => p.Path == "tools[0].secret" && p.Message.Contains("only to kind: secret", StringComparison.Ordinal));
    }
}
