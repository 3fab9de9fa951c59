using System.Diagnostics.Metrics;
using Mandate.Core.Audit.Checkpoints;
using Mandate.Core.Credentials.Federation;
using Mandate.Core.Keys;
using Mandate.Core.Policy;
using Mandate.Core.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace Mandate.Server.Telemetry;

/// <summary>
/// Gauges an alert is written on: how long the policy in force has been in force, and the age of the key each signing
/// purpose signs with now. Read from memory when the exporter collects; no store query, no request pays for them.
/// </summary>
internal sealed class KeyAndPolicyGauges : IDisposable
{
    /// <summary>The attribute naming a key's purpose (one of <see cref="KeyPurposes"/>, a fixed set).</summary>
    public const string Purpose = "mandate.key.purpose";

    private readonly Meter _meter = new(MandateTelemetry.Name);
    private readonly PolicyProvider _policy;
    private readonly TimeProvider _time;
    private readonly KeyRing[] _rings;
    private long _policyLoadedAt;

    public KeyAndPolicyGauges(PolicyProvider policy, TimeProvider time, IServiceProvider services)
    {
        _policy = policy;
        _time = time;
        KeyRing?[] rings = [services.GetService<SigningKeyRing>(), services.GetService<RsaTokenKeyRing>(), services.GetService<FederationKeyRing>(), services.GetService<AuditCheckpointKeyRing>()];
        _rings = [.. rings.OfType<KeyRing>()];
        _policyLoadedAt = time.GetUtcNow().UtcTicks;
        _policy.Changed += OnPolicyChanged;
        // No version string as an attribute: a reload changes the value, never the series.
        _meter.CreateObservableGauge("mandate.policy.age", PolicyAge, "s", "Time since the policy in force was loaded (start-up or the last reload that changed it)");
        _meter.CreateObservableGauge("mandate.signing_key.age", KeyAges, "s", "Age of the key this node signs with now, per purpose");
    }

    public void Dispose()
    {
        _policy.Changed -= OnPolicyChanged;
        _meter.Dispose();
    }

    private void OnPolicyChanged(object? sender, PolicyChangedEventArgs e) => Volatile.Write(ref _policyLoadedAt, _time.GetUtcNow().UtcTicks);

    private double PolicyAge() => Seconds(TimeSpan.FromTicks(_time.GetUtcNow().UtcTicks - Volatile.Read(ref _policyLoadedAt)));

    private IEnumerable<Measurement<double>> KeyAges()
    {
        var now = _time.GetUtcNow();
        foreach (var ring in _rings)
        {
            if (ring.IsLoaded)
            {
                yield return new(Seconds(now - ring.Current.Active.CreatedAt), new KeyValuePair<string, object?>(Purpose, ring.Profile.Purpose));
            }
        }
    }

    // A clock set back makes no negative age.
    private static double Seconds(TimeSpan age) => Math.Max(0, age.TotalSeconds);
}
