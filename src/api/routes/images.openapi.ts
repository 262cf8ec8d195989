/**
 * The OpenAPI entries of the image listing and image routes (routes/images.ts), beside them.
 */
import { AUTH_ERRORS, ERR, json, type RouteDoc } from '../openapi-route.js';
import { ref } from '../openapi-schemas.js';
import { imagesQuery } from '../request-schemas.js';

export const IMAGES_OPENAPI: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/images/{registry}/{repository}@{digest}',
    operationId: 'getImage',
    summary: 'signatures of an image with their metadata and verification records',
    auth: 'read',
    responses: {
      '200': { description: 'the image', content: json(ref('Image')) },
      '400': ERR('NAME_INVALID or DIGEST_INVALID'),
      ...AUTH_ERRORS,
    },
  },
  {
    method: 'get',
    path: '/v1/images',
    operationId: 'listImages',
    summary: 'known images with signature count and status, from the image index, in reference order',
    auth: 'read',
    query: imagesQuery,
    responses: {
      '200': { description: 'a page', content: json(ref('ImagePage')) },
      '400': ERR('BAD_REQUEST: an invalid query parameter'),
      ...AUTH_ERRORS,
    },
  },
  {
    method: 'get',
    path: '/v1/images/summary',
    operationId: 'imageCounts',
    summary: 'images per status',
    auth: 'read',
    responses: { '200': { description: 'counts', content: json(ref('ImageCounts')) }, ...AUTH_ERRORS },
  },
];
