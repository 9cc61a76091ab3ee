using Microsoft.Extensions.Options;

namespace DistaHilar.Core.Media;

/// <summary>
/// App settings <c>Media__Cloudinary__*</c>. A cloud name selects Cloudinary as the media store (Blob Storage
/// otherwise); then the key and secret are required. The secret only signs requests: it is never sent, logged or
/// put in an exception or a response.
/// </summary>
public sealed class CloudinaryOptions
{
    /// <summary>The configuration section (<c>Media__Cloudinary__…</c> as app settings).</summary>
    public const string Section = "Media:Cloudinary";

    /// <summary>The product environment's cloud name; empty means media live in Blob Storage.</summary>
    public string CloudName { get; set; } = "";

    public string ApiKey { get; set; } = "";

    public string ApiSecret { get; set; } = "";

    /// <summary>The account's signature digest (Cloudinary's default is SHA-1; accounts can be switched to SHA-256).</summary>
    public CloudinarySignatureAlgorithm SignatureAlgorithm { get; set; } = CloudinarySignatureAlgorithm.Sha1;

    /// <summary>The API host (another one only for tests or a regional endpoint).</summary>
    public Uri ApiBaseUrl { get; set; } = new("https://api.cloudinary.com");

    public bool IsConfigured => !string.IsNullOrWhiteSpace(CloudName);
}

/// <summary>With a cloud name, the key and the secret must be set (checked at start, without echoing them).</summary>
public sealed class CloudinaryOptionsValidator : IValidateOptions<CloudinaryOptions>
{
    public ValidateOptionsResult Validate(string? name, CloudinaryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.IsConfigured)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ApiKey))
        {
            failures.Add("Media__Cloudinary__ApiKey is required when Media__Cloudinary__CloudName is set.");
        }

        if (string.IsNullOrWhiteSpace(options.ApiSecret))
        {
            failures.Add("Media__Cloudinary__ApiSecret is required when Media__Cloudinary__CloudName is set.");
        }

        if (!options.ApiBaseUrl.IsAbsoluteUri)
        {
            failures.Add("Media__Cloudinary__ApiBaseUrl must be an absolute URL.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
