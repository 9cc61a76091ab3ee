using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DistaHilar.Core.Data;

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> user)
    {
        user.ToTable("users");
        user.Property(u => u.Username).HasMaxLength(32);
        user.Property(u => u.Email).HasMaxLength(254);
        user.Property(u => u.Phone).HasMaxLength(16);
        user.Property(u => u.Name).HasMaxLength(64);
        user.Property(u => u.Surname).HasMaxLength(64);
        user.Property(u => u.Bio).HasMaxLength(256);
        user.Property(u => u.AvatarUrl).HasMaxLength(2048);
        user.Property(u => u.Language).HasMaxLength(8);
        user.Property(u => u.LastSeenVisibility).HasMaxLength(16);

        // Usernames are stored lower-case, so a plain unique index makes them case-insensitively unique.
        user.HasIndex(u => u.Username).IsUnique();
        user.HasIndex(u => u.AvatarMediaId).HasFilter("avatar_media_id IS NOT NULL");
        user.HasOne<MediaAsset>().WithMany().HasForeignKey(u => u.AvatarMediaId).OnDelete(DeleteBehavior.Restrict);
        user.HasIndex(u => u.Phone).IsUnique();
        // Emails keep the case the user typed; uniqueness and login lookups use lower(email) (raw SQL in the Baseline migration).

        // Substring search on usernames and names: trigram GIN indexes (the name one is raw SQL in the Baseline migration).
        user.HasIndex(u => u.Username, "ix_users_username_trgm").HasDatabaseName("ix_users_username_trgm").HasMethod("gin").HasOperators("gin_trgm_ops");
    }
}
