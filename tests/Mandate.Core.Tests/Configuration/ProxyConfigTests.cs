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
