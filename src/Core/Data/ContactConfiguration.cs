using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DistaHilar.Core.Data;

internal sealed class ContactConfiguration : IEntityTypeConfiguration<Contact>
{
    public void Configure(EntityTypeBuilder<Contact> contact)
    {
        contact.ToTable("contacts");
        // The key also answers "is the viewer in this user's contacts?" for lastSeenVisibility = contacts.
        contact.HasKey(c => new { c.OwnerId, c.ContactId });
        contact.Property(c => c.Alias).HasMaxLength(64);
        contact.HasOne<User>().WithMany().HasForeignKey(c => c.OwnerId).OnDelete(DeleteBehavior.Cascade);
        contact.HasOne<User>().WithMany().HasForeignKey(c => c.ContactId).OnDelete(DeleteBehavior.Cascade);
        // My contact list, newest first, keyset-paginated.
        contact.HasIndex(c => new { c.OwnerId, c.CreatedAt, c.ContactId });
        contact.HasIndex(c => c.ContactId);
    }
}
