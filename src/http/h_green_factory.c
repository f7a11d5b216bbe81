/*
 * Green-factory self-assessment routes (GB/T 36132-2018, issue 16 item 3): the model, an
 * enterprise's assessments by year (an enterprise user fills and reads only its own:
 * h_path_enterprise), and the roll-up by district and chain for the 绿色低碳 page, served by
 * the self-assessment routes (h_assess.c). The JSON is green/factory.c's, as
 * `chainchief green factory…`'s.
 */
#include "green/factory.h"
#include "http/h_assess.h"

int h_green_factory_model(struct http_req *req)
{
	return h_assess_model(req, &green_factory_std);
}

int h_enterprise_green_factory(struct http_req *req)
{
	return h_assess_get(req, &green_factory_std);
}

int h_enterprise_green_factory_put(struct http_req *req)
{
	return h_assess_put(req, &green_factory_std);
}

int h_green_factory_summary(struct http_req *req)
{
	return h_assess_summary(req, &green_factory_std, NULL);
}
