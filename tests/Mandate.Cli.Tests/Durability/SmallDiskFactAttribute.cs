namespace Mandate.Cli.Tests.Durability;

/// <summary>A test that mounts a small tmpfs (<see cref="SmallDisk"/>); skipped with the reason where it cannot.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class SmallDiskFactAttribute : FactAttribute
{
    public SmallDiskFactAttribute()
    {
        if (!SmallDisk.Available.Value)
        {
            Skip = "needs root on Linux to mount a small tmpfs as the broker's data directory";
        }
    }
}
