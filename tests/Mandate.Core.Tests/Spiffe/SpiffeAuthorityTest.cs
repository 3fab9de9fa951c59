using System.Security.Cryptography;
using Mandate.Core.Configuration;
using Mandate.Core.Keys;
using Mandate.Core.Spiffe;
using Mandate.Core.Tests.Keys;

namespace Mandate.Core.Tests.Spiffe;

/// <summary>A SPIFFE authority for trust domain acme.example over a fresh key store and a manual clock, per test.</summary>
public abstract class SpiffeAuthorityTest : IAsyncLifetime, IDisposable
{
    private KeyRingEnvironment? _env;
    private SpiffeAuthority? _authority;

    protected KeyEncryptionKey Kek { get; } = new(RandomNumberGenerator.GetBytes(32));

    private protected KeyRingEnvironment Env => _env ?? throw new InvalidOperationException("the key store is not started");

    protected SpiffeAuthority Authority => _authority ?? throw new InvalidOperationException("the authority is not opened");

    protected MandateOptions Options => Env.Options with { TrustDomain = "acme.example", Spiffe = new SpiffeOptions { Enabled = true } };

    public async Task InitializeAsync()
    {
        _env = await KeyRingEnvironment.StartAsync();
        _authority = new SpiffeAuthority(Env.Store, Kek, Options, Env.Clock);
        await _authority.RefreshAsync(Env.Ct);
    }

    public async Task DisposeAsync() => await Env.DisposeAsync();

    public void Dispose()
    {
        _authority?.Dispose();
        Kek.Dispose();
        GC.SuppressFinalize(this);
    }
}
