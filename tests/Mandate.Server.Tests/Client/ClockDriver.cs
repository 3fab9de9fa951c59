using Mandate.Testing;

namespace Mandate.Server.Tests.Client;

/// <summary>Moves a manual clock forward a second at a time while some timer waits, until a task completes.</summary>
internal static class ClockDriver
{
    public static async Task<T> RunAsync<T>(ManualTimeProvider clock, Task<T> task, TimeSpan pause)
    {
        for (var steps = 0; !task.IsCompleted && steps < 10_000; steps++)
        {
            await Task.WhenAny(clock.WhenTimerArmedAsync(), task);
            if (task.IsCompleted)
            {
                break;
            }

            clock.Advance(TimeSpan.FromSeconds(1));
            if (pause > TimeSpan.Zero)
            {
                // Real time for the broker to answer; other timers on its clock must not race the clock ahead meanwhile.
                await Task.Delay(pause);
            }
        }

        return await task;
    }
}
