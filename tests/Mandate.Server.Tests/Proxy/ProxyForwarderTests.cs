using System.Net;
using System.Text;
using Mandate.Core.Configuration;
using Mandate.Server.Proxy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Mandate.Server.Tests.Proxy;

/// <summary>
/// What the MCP gateway asks of the forwarder: a body it already read (<see cref="ProxyUpstreamCall.BufferedBody"/>)
/// and a rewritten answer (<see cref="ProxyUpstreamCall.ResponseFilter"/>), still scrubbed and limited.
/// </summary>
public sealed class ProxyForwarderTests
{
    private const string ToolsList = """{"jsonrpc":"2.0","id":1,"result":{"tools":[{"name":"refund"},{"name":"lookup_order"}]}}""";

    [Fact]
    public async Task Forward_BufferedBody_UpstreamGetsThoseBytesWithContentLengthNotTheAgentsStream()
    {
        var seen = new TaskCompletionSource<(string Body, string? Length, string? Chunked, string? Type, string? Key)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var buffered = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":7,"method":"tools/list"}""");
        await using var harness = await ForwarderHarness.StartAsync(
            async http =>
            {
                var body = await new StreamReader(http.Request.Body).ReadToEndAsync();
                var h = http.Request.Headers;
                seen.TrySetResult((body, h.ContentLength.ToString(), h.TransferEncoding.ToString(), h.ContentType.ToString(), h["X-Api-Key"].ToString()));
            },
            call => call with { BufferedBody = buffered });
        using var agentBody = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("what the agent streamed, longer than the buffered body")));
        agentBody.Headers.ContentType = new("application/json");

        using var response = await harness.Client.PostAsync(harness.Address, agentBody);

        Assert.True(HttpStatusCode.OK == response.StatusCode, await response.Content.ReadAsStringAsync());
        var upstream = await seen.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal((Encoding.UTF8.GetString(buffered), buffered.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), "", "application/json", ForwarderHarness.Secret), upstream);
        Assert.Equal(buffered.Length, Assert.Single(harness.Calls).RequestBytes);
    }

    [Fact]
    public async Task Forward_ResponseFilter_RelaysItsOutputWithoutContentLength()
    {
        string? filteredType = null;
        await using var harness = await ForwarderHarness.StartAsync(
            JsonUpstream(ToolsList),
            call => call with
            {
                ResponseFilter = async (contentType, upstreamBody, ct) =>
                {
                    filteredType = contentType;
                    var json = await new StreamReader(upstreamBody).ReadToEndAsync(ct);
                    return new MemoryStream(Encoding.UTF8.GetBytes(json.Replace("""{"name":"refund"},""", "", StringComparison.Ordinal)));
                },
            });

        using var response = await harness.Client.GetAsync(harness.Address, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.Content.Headers.ContentLength);
        Assert.True(response.Headers.TransferEncodingChunked);
        Assert.Equal("""{"jsonrpc":"2.0","id":1,"result":{"tools":[{"name":"lookup_order"}]}}""", await response.Content.ReadAsStringAsync());
        Assert.Equal("application/json; charset=utf-8", filteredType);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Null(Assert.Single(harness.Calls).Refusal);
    }

    [Fact]
    public async Task Forward_ResponseFilter_ItsOutputIsStillScrubbed()
    {
        await using var harness = await ForwarderHarness.StartAsync(
            JsonUpstream(ToolsList),
            call => call with { ResponseFilter = (_, _, _) => Task.FromResult<Stream>(new MemoryStream(Encoding.UTF8.GetBytes("filtered " + ForwarderHarness.Secret))) });

        using var response = await harness.Client.GetAsync(harness.Address);

        Assert.Equal("filtered " + new string('*', ForwarderHarness.Secret.Length), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Forward_ResponseFilter_UpstreamBodyOverLimitWhileFiltered_502NothingRelayed()
    {
        var filterRan = false;
        await using var harness = await ForwarderHarness.StartAsync(
            async http =>
            {
                // No Content-Length, so only the limit while streaming can catch it.
                http.Response.ContentType = "application/json";
                await http.Response.WriteAsync(new string(' ', 4096) + ToolsList);
            },
            call => call with
            {
                ResponseFilter = async (_, upstreamBody, ct) =>
                {
                    filterRan = true;
                    var copy = new MemoryStream();
                    await upstreamBody.CopyToAsync(copy, ct);
                    return copy;
                },
            },
            new ProxyOptions { MaxResponseBody = 1024 });

        using var response = await harness.Client.GetAsync(harness.Address);

        Assert.True(filterRan);
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"check_id\":\"proxy.response_too_large\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(Assert.Single(harness.Calls).CutOff);
    }

    [Fact]
    public async Task Forward_ResponseFilterFails_502UpstreamFailedNothingRelayed()
    {
        await using var harness = await ForwarderHarness.StartAsync(
            JsonUpstream("not json"),
            call => call with { ResponseFilter = (_, _, _) => throw new InvalidDataException("the answer is not JSON-RPC") });

        using var response = await harness.Client.GetAsync(harness.Address);

        var problem = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("\"check_id\":\"proxy.upstream_failed\"", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("not json", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("JSON-RPC", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forward_AnnouncedResponseOverLimitWithFilter_502AndTheFilterNeverRuns()
    {
        var filterRan = false;
        await using var harness = await ForwarderHarness.StartAsync(
            JsonUpstream(new string(' ', 4096) + ToolsList),
            call => call with
            {
                ResponseFilter = (_, body, _) =>
                {
                    filterRan = true;
                    return Task.FromResult(body);
                },
            },
            new ProxyOptions { MaxResponseBody = 1024 });

        using var response = await harness.Client.GetAsync(harness.Address);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.False(filterRan);
        Assert.False(Assert.Single(harness.Calls).Forwarded);
    }

    [Fact]
    public async Task Forward_UpstreamReasonPhraseWithTheSecret_AgentGetsTheStandardOne()
    {
        await using var harness = await ForwarderHarness.StartAsync(
            async http =>
            {
                var injected = http.Request.Headers[ForwarderHarness.InjectHeader].ToString();
                http.Features.GetRequiredFeature<IHttpResponseFeature>().ReasonPhrase = "Fine " + injected;
                await http.Response.WriteAsync("ok");
            },
            call => call);

        using var response = await harness.Client.GetAsync(harness.Address);

        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
        Assert.Equal("OK", response.ReasonPhrase);
        Assert.DoesNotContain(ForwarderHarness.Secret, response.Headers.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forward_UpstreamSwitchesProtocols_502NoTunnel()
    {
        await using var raw = RawUpstream.Start("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\nraw tunnel bytes");
        await using var harness = await ForwarderHarness.InFrontOfAsync(raw);

        using var response = await harness.Client.GetAsync(harness.Address);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var problem = await response.Content.ReadAsStringAsync();
        Assert.Contains("switched protocols", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("raw tunnel", problem, StringComparison.Ordinal);
        Assert.False(Assert.Single(harness.Calls).Forwarded);
    }

    [Fact]
    public async Task Forward_Upstream204WithContentLength_Relayed204WithoutContentLengthNeverA500()
    {
        // RFC 9110 §8.6: a server MUST NOT send Content-Length in a 204; to the agent the proxy is that server.
        await using var raw = RawUpstream.Start("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\nX-Up: passes\r\n\r\n");
        await using var harness = await ForwarderHarness.InFrontOfAsync(raw);

        using var response = await harness.Client.DeleteAsync(harness.Address);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.False(response.Content.Headers.Contains("Content-Length"));
        Assert.Equal("passes", Assert.Single(response.Headers.GetValues("X-Up")));
        var call = Assert.Single(harness.Calls);
        Assert.Equal((true, 204, null), (call.Forwarded, call.Status, call.Refusal));
    }

    /// <summary>An upstream answering <paramref name="json"/> with its Content-Length.</summary>
    private static RequestDelegate JsonUpstream(string json) => async http =>
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.ContentLength = bytes.Length;
        await http.Response.Body.WriteAsync(bytes);
    };
}
