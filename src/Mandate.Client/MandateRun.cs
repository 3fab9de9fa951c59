namespace Mandate.Client;

/// <summary>
/// One agent run: holds the run token (renewed before it expires) and hands out tool credentials,
/// each cached until shortly before its expiry (the earlier of <c>expires_in</c> and the JWT's <c>exp</c>) and never
/// shared with another run or user; concurrent requests for one credential share one exchange. Disposing
/// ends the run, which revokes every credential issued in it and every sub-agent run below it.
/// </summary>
public sealed class MandateRun : IAsyncDisposable
{
    /// <summary>Credentials and run tokens are refreshed this long before they expire.</summary>
    public static readonly TimeSpan RefreshMargin = TimeSpan.FromSeconds(30);

    private readonly MandateClient _client;
    private readonly IWorkloadIdentitySource _identity;
    private readonly TimeProvider _time;
    private readonly CredentialCache _credentials;
    private readonly SemaphoreSlim _renewLock = new(1, 1);
    private CredentialLease _runToken;
    private bool _ended;

    internal MandateRun(MandateClient client, IWorkloadIdentitySource identity, IssuedCredential runToken, TimeProvider time)
    {
        _client = client;
        _identity = identity;
        _time = time;
        _credentials = new CredentialCache(time);
        _runToken = new CredentialLease(runToken, time.GetUtcNow());
        Id = RunTokenClaims.RunId(runToken.AccessToken);
        Scope = runToken.Scope;
    }

    /// <summary>The run id (the run token's <c>txn</c>), as it appears in audit records and credentials.</summary>
    public string Id { get; }

    /// <summary>The client the run belongs to (its DPoP key signs proofs for the run's credentials).</summary>
    internal MandateClient Client => _client;

    /// <summary>The run's envelope: every operation it may ask for.</summary>
    public string Scope { get; }

    /// <summary>
    /// A credential for <paramref name="tool"/> (resource URI or name) with exactly <paramref name="scopes"/>.
    /// Throws <see cref="MandateErrorException"/> when the broker refuses (the description names the rule).
    /// </summary>
    public async Task<string> GetCredentialAsync(string tool, IReadOnlyList<string> scopes, CancellationToken cancellationToken = default) =>
        (await GetIssuedCredentialAsync(tool, scopes, cancellationToken)).AccessToken;

    /// <summary>
    /// Like <see cref="GetCredentialAsync"/>, with the token type: a DPoP-bound credential
    /// (<see cref="IssuedCredential.IsDpopBound"/>) needs a proof by the client's key on every call.
    /// </summary>
    public async Task<IssuedCredential> GetIssuedCredentialAsync(string tool, IReadOnlyList<string> scopes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        ObjectDisposedException.ThrowIf(_ended, this);
        var toolParameter = ToolParameter.For(tool);
        var scope = ScopeParameter.Join(scopes);
        return await _credentials.GetAsync(CacheKey(tool, scopes), ct => ExchangeAsync(toolParameter, scope, ct), cancellationToken);
    }

    private async Task<IssuedCredential> ExchangeAsync(KeyValuePair<string, string> toolParameter, string scope, CancellationToken cancellationToken)
    {
        var runToken = await RunTokenAsync(cancellationToken);
        return await _client.PostTokenAsync(
        [
            new("subject_token", runToken),
            new("subject_token_type", MandateClient.TxnTokenType),
            new("actor_token", await _identity.GetTokenAsync(cancellationToken)),
            new("actor_token_type", MandateClient.JwtTokenType),
            toolParameter,
            new("scope", scope),
        ], cancellationToken);
    }

    /// <summary>Drops the cached credential for <paramref name="tool"/> and <paramref name="scopes"/> (a service refused it), so the next call exchanges anew.</summary>
    internal void Forget(string tool, IReadOnlyList<string> scopes) => _credentials.Forget(CacheKey(tool, scopes));

    /// <summary>
    /// Hands work to a sub-agent: a child run for <paramref name="subAgent"/> with at most
    /// <paramref name="scopes"/> (default: what the sub-agent can use of this run's envelope).
    /// </summary>
    public async Task<MandateRun> DelegateAsync(IWorkloadIdentitySource subAgent, IReadOnlyList<string>? scopes = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subAgent);
        ObjectDisposedException.ThrowIf(_ended, this);
        var form = new List<KeyValuePair<string, string>>
        {
            new("subject_token", await RunTokenAsync(cancellationToken)),
            new("subject_token_type", MandateClient.TxnTokenType),
            new("actor_token", await subAgent.GetTokenAsync(cancellationToken)),
            new("actor_token_type", MandateClient.JwtTokenType),
            new("requested_token_type", MandateClient.TxnTokenType),
        };
        if (scopes is { Count: > 0 })
        {
            form.Add(new("scope", ScopeParameter.Join(scopes)));
        }

        return new MandateRun(_client, subAgent, await _client.PostTokenAsync(form, cancellationToken), _time);
    }

    /// <summary>Ends the run at the broker (RFC 7009 on the run token): its credentials and sub-agent runs die with it.</summary>
    public async Task EndAsync(CancellationToken cancellationToken = default)
    {
        if (_ended)
        {
            return;
        }

        _ended = true;
        _credentials.Clear();
        await _client.RevokeAsync(_runToken.Credential.AccessToken, await _identity.GetTokenAsync(cancellationToken), cancellationToken);
    }

    /// <summary>Ends the run (see <see cref="EndAsync"/>); never throws.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await EndAsync();
        }
        catch (MandateErrorException)
        {
            // Disposal must not throw; the run still ends by itself at its maximum duration.
        }
        catch (HttpRequestException)
        {
            // Unreachable broker: the same, the run ends by itself.
        }

        _renewLock.Dispose();
    }

    private static string CacheKey(string tool, IReadOnlyList<string> scopes) => tool + "\n" + string.Join(' ', scopes.Order(StringComparer.Ordinal));

    private async Task<string> RunTokenAsync(CancellationToken cancellationToken)
    {
        if (_runToken.IsFresh(_time.GetUtcNow()))
        {
            return _runToken.Credential.AccessToken;
        }

        await _renewLock.WaitAsync(cancellationToken);
        try
        {
            if (!_runToken.IsFresh(_time.GetUtcNow()))
            {
                var renewed = await _client.PostTokenAsync(
                [
                    new("subject_token", _runToken.Credential.AccessToken),
                    new("subject_token_type", MandateClient.TxnTokenType),
                    new("actor_token", await _identity.GetTokenAsync(cancellationToken)),
                    new("actor_token_type", MandateClient.JwtTokenType),
                    new("requested_token_type", MandateClient.TxnTokenType),
                ], cancellationToken);
                _runToken = new CredentialLease(renewed, _time.GetUtcNow());
            }

            return _runToken.Credential.AccessToken;
        }
        finally
        {
            _renewLock.Release();
        }
    }
}
