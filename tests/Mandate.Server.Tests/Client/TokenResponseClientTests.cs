using Mandate.Client;

namespace Mandate.Server.Tests.Client;

/// <summary>
/// The SDK against a token endpoint that answers from the RFCs, or breaks them: every success member it may omit is
/// read as the RFC says, and every broken answer is a typed <c>invalid_response</c> refusal, never a parser exception.
/// </summary>
public sealed class TokenResponseClientTests
{
    public static TheoryData<string, string> BrokenSuccesses => new()
    {
        // RFC 8693 §2.2.1: issued_token_type is REQUIRED.
        { """{"access_token":"test-value-1","token_type":"Bearer","expires_in":300}""", "issued_token_type" },
        // RFC 6749 §5.1: access_token and token_type are REQUIRED.
        { """{"issued_token_type":"urn:ietf:params:oauth:token-type:access_token","token_type":"Bearer"}""", "access_token" },
        { """{"access_token":"test-value-1","issued_token_type":"urn:ietf:params:oauth:token-type:access_token"}""", "token_type" },
        { """{"access_token":7,"issued_token_type":"urn:ietf:params:oauth:token-type:access_token","token_type":"Bearer"}""", "access_token" },
        { """{"access_token":"","issued_token_type":"urn:ietf:params:oauth:token-type:access_token","token_type":"Bearer"}""", "access_token" },
        // RFC 6749 §5.1: expires_in is a number of seconds.
        { """{"access_token":"test-value-1","issued_token_type":"urn:ietf:params:oauth:token-type:access_token","token_type":"Bearer","expires_in":"300"}""", "expires_in" },
        { """{"access_token":"test-value-1","issued_token_type":"urn:ietf:params:oauth:token-type:access_token","token_type":"Bearer","scope":["refunds:write"]}""", "scope" },
        { """["test-value-1"]""", "JSON object" },
        { "null", "JSON object" },
    };

    [Theory]
    [MemberData(nameof(BrokenSuccesses))]
    public async Task Exchange_SuccessBreakingTheRfcs_ThrowsInvalidResponseNamingTheMember(string body, string named)
    {
        await using var broker = await ScriptedServer.StartAsync(ScriptedAnswer.Json(200, body));

        var failure = await Assert.ThrowsAsync<MandateErrorException>(() => Client(broker).ExchangeAsync(ScriptedExchange.Request()));

        Assert.Equal(("invalid_response", 200), (failure.Error, failure.Status));
        Assert.Contains(named, failure.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData(""","expires_in":null""", 0)]
    [InlineData(""","expires_in":0""", 0)]
    [InlineData(""","expires_in":-60""", 0)]
    [InlineData(""","expires_in":299.9""", 299)]
    [InlineData(""","expires_in":1e12""", int.MaxValue)]
    public async Task Exchange_ExpiresInAbsentZeroNegativeOrHuge_IsReadWithoutFailing(string member, int seconds)
    {
        var body = """{"access_token":"test-value-1","issued_token_type":"urn:ietf:params:oauth:token-type:access_token","token_type":"Bearer","scope":"refunds:write" """ + member + "}";
        await using var broker = await ScriptedServer.StartAsync(ScriptedAnswer.Json(200, body));

        var credential = await Client(broker).ExchangeAsync(ScriptedExchange.Request());

        Assert.Equal(seconds, credential.ExpiresIn);
    }

    [Fact]
    public async Task Exchange_ScopeOmitted_IsTheScopeAsked()
    {
        // RFC 8693 §2.2.1: scope is OPTIONAL when identical to the scope requested.
        await using var broker = await ScriptedServer.StartAsync(ScriptedAnswer.Json(200, """{"access_token":"test-value-1","issued_token_type":"urn:ietf:params:oauth:token-type:access_token","token_type":"Bearer","expires_in":60}"""));

        var credential = await Client(broker).ExchangeAsync(ScriptedExchange.Request() with { Scopes = ["refunds:read", "refunds:write"] });

        Assert.Equal("refunds:read refunds:write", credential.Scope);
    }

    [Fact]
    public async Task Exchange_TokenTypeInAnotherCase_IsStillDpop()
    {
        // RFC 6749 §7.1 / RFC 9449 §5: token_type values are compared case-insensitively.
        await using var broker = await ScriptedServer.StartAsync(ScriptedAnswer.Json(200, ScriptedExchange.Issued.Replace("\"Bearer\"", "\"dpop\"", StringComparison.Ordinal)));

        var credential = await Client(broker).ExchangeAsync(ScriptedExchange.Request());

        Assert.True(credential.IsDpopBound);
    }

    public static TheoryData<int, string, string, string, string> BrokenRefusals => new()
    {
        // A load balancer's HTML page instead of the broker's JSON.
        { 502, "<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html", "invalid_response", "HTTP 502" },
        { 503, "", "text/plain", "http_error", "HTTP 503" },
        // RFC 6749 §5.2: error is REQUIRED; without it the status still says what happened.
        { 400, """{"error_description":"no error member"}""", "application/json", "http_error", "no error member" },
        { 400, """{"error":42,"error_description":7}""", "application/json", "http_error", "HTTP 400" },
        { 400, """["invalid_request"]""", "application/json", "http_error", "HTTP 400" },
        { 400, """{"error":"invalid_target","error_description":"tool unknown","check_id":"resolve.unknown_tool"}""", "application/problem+json", "invalid_target", "tool unknown" },
    };

    [Theory]
    [MemberData(nameof(BrokenRefusals))]
    public async Task Exchange_RefusalInAnyShape_ThrowsATypedRefusalWithTheStatus(int status, string body, string contentType, string error, string described)
    {
        await using var broker = await ScriptedServer.StartAsync(new ScriptedAnswer(status, body, contentType));

        var failure = await Assert.ThrowsAsync<MandateErrorException>(() => Client(broker).ExchangeAsync(ScriptedExchange.Request()));

        Assert.Equal((error, status), (failure.Error, failure.Status));
        Assert.Contains(described, failure.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(502)]
    public async Task Exchange_AnswerThatNeverEnds_ThrowsInvalidResponseAfterAtMostOneMebibyte(int status)
    {
        // Chunked, no Content-Length: 64 MiB of padding unless the client stops reading.
        await using var broker = await ScriptedServer.StartAsync(new ScriptedAnswer(status, new string(' ', 64 * 1024)) { BodyRepeats = 1024 });

        var failure = await Assert.ThrowsAsync<MandateErrorException>(() => Client(broker).ExchangeAsync(ScriptedExchange.Request()));

        Assert.Equal(("invalid_response", status), (failure.Error, failure.Status));
        Assert.Contains("larger than 1024 KiB", failure.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exchange_AnswerThatStallsMidBody_EndsWithTheHttpClientsTimeout()
    {
        await using var broker = await ScriptedServer.StartAsync(new ScriptedAnswer(200, """{"access_token":""") { StallAfterBody = true });
        using var http = new HttpClient { BaseAddress = broker.Address, Timeout = TimeSpan.FromMilliseconds(300) };

        var timeout = await Assert.ThrowsAsync<TaskCanceledException>(() => new MandateClient(http).ExchangeAsync(ScriptedExchange.Request()));

        Assert.IsType<TimeoutException>(timeout.InnerException);
    }

    [Fact]
    public async Task Exchange_PendingWithANonNumericInterval_IsPendingWithTheDefaultInterval()
    {
        // CIBA §7.3: interval is a number of seconds, 5 when absent.
        await using var broker = await ScriptedServer.StartAsync(ScriptedAnswer.Json(400, """{"error":"authorization_pending","auth_req_id":"areq_1","interval":"soon","expires_in":-1}"""));

        var pending = await Assert.ThrowsAsync<MandateApprovalPendingException>(() => Client(broker).ExchangeAsync(ScriptedExchange.Request()));

        Assert.Equal(("areq_1", TimeSpan.FromSeconds(5), TimeSpan.Zero), (pending.Pending.AuthReqId, pending.Pending.Interval, pending.Pending.ExpiresIn));
    }

    [Theory]
    [InlineData("""{"scope":"refunds:write"}""")]
    [InlineData("""{"active":"true"}""")]
    [InlineData("""[true]""")]
    public async Task Introspect_AnswerWithoutABooleanActive_ThrowsInvalidResponse(string body)
    {
        // RFC 7662 §2.2: active is a REQUIRED boolean.
        await using var broker = await ScriptedServer.StartAsync(ScriptedAnswer.Json(200, body));

        var failure = await Assert.ThrowsAsync<MandateErrorException>(() => Client(broker).IntrospectAsync("test-value-1", "test-value-2"));

        Assert.Equal("invalid_response", failure.Error);
    }

    [Theory]
    [InlineData("a.%%%.c")]
    [InlineData("a.bm90IGpzb24.c")]
    [InlineData("a.eyJ0eG4iOjd9.c")]
    public async Task StartRun_RunTokenWithoutAReadableTxn_ThrowsInvalidResponse(string runToken)
    {
        await using var broker = await ScriptedServer.StartAsync(ScriptedAnswer.Json(200, ScriptedExchange.Issued.Replace("test-value-1", runToken, StringComparison.Ordinal)));
        var client = new MandateClient(broker.Client(), WorkloadIdentity.From(_ => ValueTask.FromResult("test-value-2")));

        var failure = await Assert.ThrowsAsync<MandateErrorException>(() => client.StartRunAsync(null, ["refunds:write"]));

        Assert.Equal("invalid_response", failure.Error);
    }

    private static MandateClient Client(ScriptedServer broker) => new(broker.Client());
}
