/** An error answered to the client as a typed Pinpoint error with a MessageBody. */
final class ApiException extends Exception {
    final int status;
    final String type;
    final String allow; // for 405: value of the Allow header (may be null)

    ApiException(int status, String type, String message) {
        this(status, type, message, null);
    }

    ApiException(int status, String type, String message, String allow) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.allow = allow;
    }

    static ApiException badRequest(String m) { return new ApiException(400, "BadRequestException", m); }
    static ApiException notFound(String m) { return new ApiException(404, "NotFoundException", m); }
    static ApiException tooLarge(String m) { return new ApiException(413, "PayloadTooLargeException", m); }
}
