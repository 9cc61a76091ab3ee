using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DistaHilar.Core.Data;

/// <summary>What a client says it uploads (api.md <c>kind</c>); it decides the size limit and the processing.</summary>
public enum MediaKind : short
{
    Image = 1,
    Video = 2,
    Audio = 3,
    Voice = 4,
    File = 5,
}

public enum MediaStatus : short
{
    Pending = 0,
    Processing = 1,
    Ready = 2,
    Failed = 3,
}

/// <summary>
/// An uploaded file and what processing learned of it. Its bytes live in storage under <see cref="StorageKey"/>, a
/// random name unrelated to the id, so URLs cannot be guessed from ids.
/// </summary>
public sealed class MediaAsset
{
    /// <summary>Column lengths (the API's limits, <c>MediaRules</c>, are these).</summary>
    public const int MaxFileName = 255;
    public const int MaxContentType = 127;

    public Guid Id { get; init; }

    public Guid OwnerId { get; init; }

    public MediaKind Kind { get; init; }

    public MediaStatus Status { get; set; }

    public string StorageKey { get; init; } = "";

    public string FileName { get; init; } = "";

    public string DeclaredContentType { get; init; } = "";

    public long DeclaredSize { get; init; }

    /// <summary>The stored size, known once the upload is complete.</summary>
    public long? Size { get; set; }

    /// <summary>The type the bytes turned out to be (processing), served with the file.</summary>
    public string? ContentType { get; set; }

    public int? Width { get; set; }

    public int? Height { get; set; }

    public int? DurationMs { get; set; }

    /// <summary>Voice and audio: loudness samples 0..31, like a voice note's bars.</summary>
    public short[]? Waveform { get; set; }

    public string? ThumbnailKey { get; set; }

    public string? FailureReason { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the uploader said the upload was done (once: a second complete changes nothing).</summary>
    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>When processing ended, ready or failed.</summary>
    public DateTimeOffset? ProcessedAt { get; set; }

    /// <summary>
    /// When <see cref="MediaCleanup"/> may remove it: the upload's time plus the unattached lifetime; null while a
    /// live message uses it; the deletion time once the last such message is deleted for everyone.
    /// </summary>
    public DateTimeOffset? RemovableAfter { get; set; }
}

internal sealed class MediaAssetConfiguration : IEntityTypeConfiguration<MediaAsset>
{
    public void Configure(EntityTypeBuilder<MediaAsset> media)
    {
        media.ToTable("media");
        media.HasKey(m => m.Id);
        media.Property(m => m.Kind).HasConversion<short>();
        media.Property(m => m.Status).HasConversion<short>();
        media.Property(m => m.StorageKey).HasMaxLength(64);
        media.Property(m => m.FileName).HasMaxLength(MediaAsset.MaxFileName);
        media.Property(m => m.DeclaredContentType).HasMaxLength(MediaAsset.MaxContentType);
        media.Property(m => m.ContentType).HasMaxLength(MediaAsset.MaxContentType);
        media.Property(m => m.ThumbnailKey).HasMaxLength(96);
        media.Property(m => m.FailureReason).HasMaxLength(200);
        media.HasIndex(m => m.StorageKey).IsUnique();
        // My uploads, newest first.
        media.HasIndex(m => new { m.OwnerId, m.CreatedAt });
        media.HasIndex(m => m.RemovableAfter).HasFilter("removable_after IS NOT NULL");
        media.HasOne<User>().WithMany().HasForeignKey(m => m.OwnerId).OnDelete(DeleteBehavior.Cascade);
    }
}
