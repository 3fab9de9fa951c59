using Mandate.Server.Proxy;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Mandate.Server.Tests.Proxy;

/// <summary>The forwarder's report becomes the proxy's refusal by its cause, whatever stage it failed in.</summary>
public sealed class ProxyForwardingFailureTests
{
    [Fact]
    public void Refusal_RequestLimitInsideTheForwardersAggregate_Is413()
    {
        var failure = new AggregateException(new IOException("copy failed", ProxyLimitException.RequestBody(10)), new HttpRequestException("send failed"));

        var refusal = ProxyForwardingFailure.Refusal(ForwarderError.RequestBodyClient, failure, timedOut: true, clientGone: true);

        Assert.Equal((413, ProxyChecks.BodyTooLarge), (refusal.Status, refusal.CheckId));
    }

    [Fact]
    public void Refusal_ResponseLimit_Is502ResponseTooLarge()
    {
        var refusal = ProxyForwardingFailure.Refusal(ForwarderError.ResponseBodyDestination, ProxyLimitException.ResponseBody(10), false, false);

        Assert.Equal((502, ProxyChecks.ResponseTooLarge), (refusal.Status, refusal.CheckId));
    }

    [Theory]
    [InlineData(StatusCodes.Status413PayloadTooLarge, 413, ProxyChecks.BodyTooLarge)]
    [InlineData(StatusCodes.Status400BadRequest, 400, ProxyChecks.BodyMalformed)]
    public void Refusal_AgentBodyUnreadable_IsTheAgentsFault(int kestrelStatus, int status, string checkId)
    {
        var refusal = ProxyForwardingFailure.Refusal(ForwarderError.RequestBodyClient, new BadHttpRequestException("bad chunk", kestrelStatus), false, false);

        Assert.Equal((status, checkId), (refusal.Status, refusal.CheckId));
    }

    [Fact]
    public void Refusal_TimedOut_Is504EvenWhenTheAgentLeftToo()
    {
        var refusal = ProxyForwardingFailure.Refusal(ForwarderError.RequestCanceled, new TaskCanceledException(), timedOut: true, clientGone: true);

        Assert.Equal((504, ProxyChecks.UpstreamTimeout), (refusal.Status, refusal.CheckId));
    }

    [Fact]
    public void Refusal_AgentGone_Is499()
    {
        var refusal = ProxyForwardingFailure.Refusal(ForwarderError.ResponseBodyCanceled, new OperationCanceledException(), false, clientGone: true);

        Assert.Equal((499, ProxyChecks.ClientClosed), (refusal.Status, refusal.CheckId));
    }

    [Fact]
    public void Refusal_UpstreamFailed_Is502WithoutTheExceptionText()
    {
        var refusal = ProxyForwardingFailure.Refusal(ForwarderError.Request, new HttpRequestException("Connection refused (10.0.0.7:5100)"), false, false);

        Assert.Equal((502, ProxyChecks.UpstreamFailed), (refusal.Status, refusal.CheckId));
        Assert.DoesNotContain("10.0.0.7", refusal.Detail, StringComparison.Ordinal);
        Assert.Contains("HttpRequestException", refusal.Detail, StringComparison.Ordinal);
    }
}
