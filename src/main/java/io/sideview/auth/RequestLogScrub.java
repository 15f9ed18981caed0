package io.sideview.auth;

import io.dropwizard.core.server.AbstractServerFactory;
import io.dropwizard.core.server.ServerFactory;
import io.dropwizard.logging.common.AbstractAppenderFactory;
import io.dropwizard.logging.common.AppenderFactory;
import io.dropwizard.request.logging.LogbackAccessRequestLogFactory;
import java.util.TimeZone;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps query strings out of the request log. Dropwizard's default line logs the request line
 * ({@code %r}), query string included; a token sent as {@code ?access_token=} (refused, but sent) or an
 * id would be written to disk with it. Appenders without a {@code logFormat} of their own get the same
 * line with the path only ({@code %U}); an operator's own format is left alone, with a warning if it
 * logs the query string.
 */
final class RequestLogScrub {
    private static final Logger LOG = LoggerFactory.getLogger(RequestLogScrub.class);

    private RequestLogScrub() {}

    static String format(TimeZone zone) {
        return "%h %l %u [%t{dd/MMM/yyyy:HH:mm:ss Z," + zone.getID() + "}] \"%m %U %H\" %s %b \"%i{Referer}\" "
                + "\"%i{User-Agent}\" %D";
    }

    static void apply(ServerFactory server) {
        if (!(server instanceof AbstractServerFactory factory)
                || !(factory.getRequestLogFactory() instanceof LogbackAccessRequestLogFactory requestLog)) {
            return;
        }
        for (AppenderFactory<?> appender : requestLog.getAppenders()) {
            if (!(appender instanceof AbstractAppenderFactory<?> a)) {
                continue;
            }
            String own = a.getLogFormat();
            if (own == null || own.isBlank()) {
                a.setLogFormat(format(a.getTimeZone()));
            } else if (own.matches("(?s).*%(r|q|requestURL|queryString|requestParameter|reqParameter)\\b.*")) {
                LOG.warn("server.requestLog: a logFormat that logs the query string may write ids and refused "
                        + "access_token values to the log; %U logs the path only");
            }
        }
    }
}
