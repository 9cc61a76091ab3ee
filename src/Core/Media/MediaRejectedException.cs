namespace DistaHilar.Core.Media;

/// <summary>
/// The file is not what it must be (wrong type, undecodable, too many pixels): processing ends in <c>failed</c> with
/// this message as the reason, and is not retried. Any other exception is treated as transient and retried.
/// </summary>
public sealed class MediaRejectedException(string reason) : Exception(reason);
