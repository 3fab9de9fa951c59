using Mandate.Client;

namespace Mandate.Server.Tests.Client;

/// <summary>
/// WorkloadSocketIdentitySource against a workload endpoint that hangs or answers something that is not a JWT-SVID:
/// a <see cref="WorkloadIdentityException"/> naming the socket, never a bare cancellation or a null token.
/// </summary>
public sealed class WorkloadSocketAnswerTests : IDisposable
{
    private readonly string _socket = Path.Combine(Path.GetTempPath(), $"mandate-wl-{Guid.NewGuid():N}.sock");

    public void Dispose() => File.Delete(_socket);

    [Fact]
    public async Task GetToken_EndpointNeverAnswers_ThrowsWithinTheTimeoutNamingTheSocket()
    {
        await using var endpoint = await ScriptedServer.StartAsync(_socket, new ScriptedAnswer(200, "") { Hang = true });
        using var source = new WorkloadSocketIdentitySource(_socket, "https://mandate.test", null, TimeSpan.FromMilliseconds(300));

        var failure = await Assert.ThrowsAsync<WorkloadIdentityException>(() => source.GetTokenAsync(CancellationToken.None).AsTask());

        Assert.Contains(_socket, failure.Message, StringComparison.Ordinal);
        Assert.Contains("did not answer within 0.3 s", failure.Message, StringComparison.Ordinal);
        Assert.Single(endpoint.Received);
    }

    [Fact]
    public async Task GetToken_CallerCancels_IsACancellationNotAFailure()
    {
        await using var endpoint = await ScriptedServer.StartAsync(_socket, new ScriptedAnswer(200, "") { Hang = true });
        using var source = new WorkloadSocketIdentitySource(_socket, "https://mandate.test");
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => source.GetTokenAsync(cancel.Token).AsTask());
    }

    [Theory]
    [InlineData("""{"spiffe_id":"spiffe://acme.example/agents/support","token":null,"expires_at":"2030-01-01T00:00:00Z"}""")]
    [InlineData("""{"spiffe_id":"spiffe://acme.example/agents/support","token":"","expires_at":"2030-01-01T00:00:00Z"}""")]
    [InlineData("""{"spiffe_id":"spiffe://acme.example/agents/support","token":"test-value-1","expires_at":"soon"}""")]
    [InlineData("""{"spiffe_id":"spiffe://acme.example/agents/support","token":"test-value-1"}""")]
    [InlineData("""["test-value-1"]""")]
    [InlineData("<html>ok</html>")]
    public async Task GetToken_AnswerThatIsNotAJwtSvid_ThrowsAndSetsNoIdentity(string body)
    {
        await using var endpoint = await ScriptedServer.StartAsync(_socket, ScriptedAnswer.Json(200, body));
        using var source = new WorkloadSocketIdentitySource(_socket, "https://mandate.test");

        var failure = await Assert.ThrowsAsync<WorkloadIdentityException>(() => source.GetTokenAsync(CancellationToken.None).AsTask());

        Assert.Equal(200, failure.Status);
        Assert.Contains("not a JWT-SVID response", failure.Message, StringComparison.Ordinal);
        Assert.Null(source.SpiffeId);
    }
}
