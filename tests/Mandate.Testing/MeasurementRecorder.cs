using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Mandate.Testing;

/// <summary>Collects the measurements of one instrument, with their attributes, while it lives (in-process, no SDK).</summary>
public sealed class MeasurementRecorder<T> : IDisposable
    where T : struct
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(T Value, IReadOnlyDictionary<string, object?> Tags)> _values = new();

    public MeasurementRecorder(Instrument<T> instrument)
    {
        _listener.InstrumentPublished = (published, listener) =>
        {
            if (ReferenceEquals(published, instrument))
            {
                listener.EnableMeasurementEvents(published);
            }
        };
        _listener.SetMeasurementEventCallback<T>((_, value, tags, _) =>
        {
            var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value;
            }

            _values.Enqueue((value, copy));
        });
        _listener.Start();
    }

    /// <summary>Every measurement so far, in the order recorded.</summary>
    public IReadOnlyList<(T Value, IReadOnlyDictionary<string, object?> Tags)> Values => [.. _values];

    public void Dispose() => _listener.Dispose();
}
