namespace Mandate.Cli.Tests.Durability;

/// <summary>A test that mounts an ext4 loop device (<see cref="ErroredDisk"/>); skipped with the reason where it cannot.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class ErroredDiskFactAttribute : FactAttribute
{
    public ErroredDiskFactAttribute()
    {
        if (!ErroredDisk.Available)
        {
            Skip = "needs root on Linux with loop devices and ext4 to turn the broker's data directory read-only under it";
        }
    }
}
